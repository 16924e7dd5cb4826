import Foundation
import Logging
import PalisadeAuth
import PalisadeCrypto
import PalisadeStore
import PostgresNIO

/// One row of `identity.signing_keys`, opened.
struct ScheduledSigningKey: Sendable {
    var key: PlatformSigningKey
    var signsFrom: Date
}

/// The `identity.signing_keys` table: creates keys ahead of their turn and drops keys no
/// token signed by them can still need.
struct SigningKeyStore: Sendable {
    let database: Database
    let wrapping: any KeyWrapping

    static func sealingContext(kid: String) -> String { "palisade/platform-signing-key/\(kid)" }

    /// Under a lock shared by every gateway: adds the next key once the newest is within
    /// `publishAhead` of its rotation, deletes keys retired more than `retention` ago, and
    /// returns the schedule. Gateways that run this concurrently agree on one schedule.
    func rotate(every rotation: TimeInterval, publishAhead: TimeInterval, retention: TimeInterval,
                now: Date = Date(), logger: Logger) async throws -> [ScheduledSigningKey] {
        try await database.client.withTransaction(logger: logger) { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(hashtext('identity.signing_keys'))", logger: logger)
            var schedule = try await load(connection, logger: logger)
            let next: Date? = if let newest = schedule.last {
                now >= newest.signsFrom.addingTimeInterval(rotation - publishAhead)
                    ? max(newest.signsFrom.addingTimeInterval(rotation), now.addingTimeInterval(publishAhead)) : nil
            } else {
                now
            }
            if let next {
                let key = PlatformSigningKey.generate(kid: Self.newKeyID(signsFrom: next))
                let sealed = try wrapping.seal(key.key.rawRepresentation, context: Self.sealingContext(kid: key.kid))
                try await connection.query("""
                    INSERT INTO identity.signing_keys (kid, public_key, sealed_private_key, wrapping_key_id, signs_from)
                    VALUES (\(key.kid), \(key.key.publicKey.rawRepresentation), \(sealed), \(wrapping.keyID), \(next))
                    """, logger: logger)
                schedule.append(ScheduledSigningKey(key: key, signsFrom: next))
                logger.info("platform signing key scheduled", metadata: ["kid": "\(key.kid)", "signs_from": "\(next)"])
            }
            // A key is needed until its successor took over and every token it signed expired.
            var kept: [ScheduledSigningKey] = []
            for (index, entry) in schedule.enumerated() {
                if index + 1 < schedule.count, schedule[index + 1].signsFrom.addingTimeInterval(retention) < now {
                    try await connection.query("DELETE FROM identity.signing_keys WHERE kid = \(entry.key.kid)", logger: logger)
                    logger.info("platform signing key retired", metadata: ["kid": "\(entry.key.kid)"])
                } else {
                    kept.append(entry)
                }
            }
            return kept
        }
    }

    private func load(_ connection: PostgresConnection, logger: Logger) async throws -> [ScheduledSigningKey] {
        let rows = try await connection.query(
            "SELECT kid, sealed_private_key, signs_from FROM identity.signing_keys ORDER BY signs_from, kid", logger: logger
        )
        var schedule: [ScheduledSigningKey] = []
        for try await (kid, sealed, signsFrom) in rows.decode((String, Data, Date).self) {
            let seed = try wrapping.open(sealed, context: Self.sealingContext(kid: kid))
            let key = PlatformSigningKey(kid: kid, key: try .init(rawRepresentation: seed))
            schedule.append(ScheduledSigningKey(key: key, signsFrom: signsFrom))
        }
        return schedule
    }

    /// `p-<UTC start>-<random>`: sortable by eye in a JWKS, unique without coordination.
    static func newKeyID(signsFrom: Date) -> String {
        let stamp = signsFrom.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: false).timeSeparator(.omitted).dateSeparator(.omitted))
        return "p-\(stamp)-\(UUID().uuidString.prefix(8).lowercased())"
    }
}
