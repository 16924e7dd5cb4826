import Foundation
import Logging
import NIOCore
import PalisadeEvents
import PalisadeLedger
import PalisadeStore
import PostgresNIO

/// `incidents.audit_ledger` and `incidents.audit_heads`: appends that extend each tenant's
/// chain, pages for the API, and verification.
struct LedgerStore: Sendable {
    let database: Database

    /// Appends the tenant's entries in order; an entry already in the ledger (same entry id)
    /// is skipped, so redelivery never forks or lengthens the chain. The head row is locked for
    /// the transaction, so concurrent appenders of one tenant take turns.
    func append(_ entries: [Palisade_V1_AuditEntry], tenantID: UUID, logger: Logger) async throws -> Int {
        try await database.withTenant(.service("incidents", tenantID: tenantID), logger: logger) { connection in
            try await connection.query("""
                INSERT INTO incidents.audit_heads (tenant_id, sequence, hash)
                VALUES (\(tenantID), 0, \(Data(AuditChain.genesis)))
                ON CONFLICT (tenant_id) DO NOTHING
                """, logger: logger)
            var sequence: Int64 = 0
            var head: [UInt8] = AuditChain.genesis
            let rows = try await connection.query(
                "SELECT sequence, hash FROM incidents.audit_heads WHERE tenant_id = \(tenantID) FOR UPDATE", logger: logger
            )
            for try await (stored, hash) in rows.decode((Int64, Data).self) {
                sequence = stored
                head = Array(hash)
            }
            let ids = entries.map(\.entryID)
            var known = Set<String>()
            let existing = try await connection.query(
                "SELECT entry_id FROM incidents.audit_ledger WHERE entry_id = ANY(\(ids))", logger: logger
            )
            for try await id in existing.decode(String.self) { known.insert(id) }

            // Linked here in order, then written by one statement for the whole batch: a row
            // per statement was most of the ledger's Postgres time at a thousand decisions a second.
            var batch = LedgerRows()
            for entry in entries where !known.contains(entry.entryID) {
                known.insert(entry.entryID)
                sequence += 1
                let record = LedgerRecord(
                    tenantID: tenantID.uuidString.lowercased(), sequence: sequence, entryID: entry.entryID,
                    kind: entry.kind, actor: entry.actor, occurredAt: RFC3339.format(entry.occurredAt.date),
                    requestID: entry.requestID, subject: String(decoding: entry.subject, as: UTF8.self)
                )
                head = AuditChain.link(previous: head, record: record)
                batch.append(record, hash: head)
            }
            let appended = batch.sequences.count
            if appended > 0 {
                try await connection.query("""
                    INSERT INTO incidents.audit_ledger
                        (tenant_id, sequence, entry_id, kind, actor, occurred_at, request_id, subject, hash)
                    SELECT \(tenantID)::uuid, * FROM unnest(
                        \(batch.sequences)::bigint[], \(batch.entryIDs)::text[], \(batch.kinds)::text[], \(batch.actors)::text[],
                        \(batch.occurredAt)::text[], \(batch.requestIDs)::text[], \(batch.subjects)::text[], \(batch.hashes)::bytea[])
                    """, logger: logger)
                try await connection.query(
                    "UPDATE incidents.audit_heads SET sequence = \(sequence), hash = \(Data(head)) WHERE tenant_id = \(tenantID)",
                    logger: logger
                )
            }
            return appended
        }
    }

    /// A batch of linked records as columns, for one `unnest` insert.
    private struct LedgerRows {
        var sequences: [Int64] = []
        var entryIDs: [String] = []
        var kinds: [String] = []
        var actors: [String] = []
        var occurredAt: [String] = []
        var requestIDs: [String] = []
        var subjects: [String] = []
        var hashes: [ByteBuffer] = []

        mutating func append(_ record: LedgerRecord, hash: [UInt8]) {
            sequences.append(record.sequence)
            entryIDs.append(record.entryID)
            kinds.append(record.kind)
            actors.append(record.actor)
            occurredAt.append(record.occurredAt)
            requestIDs.append(record.requestID)
            subjects.append(record.subject)
            hashes.append(ByteBuffer(bytes: hash))
        }
    }

    struct StoredRecord: Sendable {
        var record: LedgerRecord
        var hash: [UInt8]
        var appendedAt: Date
    }

    /// Records after `afterSequence`, in sequence order.
    func page(after afterSequence: Int64, limit: Int, scope: TenantScope, logger: Logger) async throws -> [StoredRecord] {
        try await database.withTenant(scope, logger: logger) { connection in
            try await Self.page(after: afterSequence, limit: limit, tenantID: scope.tenantID, on: connection, logger: logger)
        }
    }

    static func page(after afterSequence: Int64, limit: Int, tenantID: UUID, on connection: PostgresConnection, logger: Logger) async throws -> [StoredRecord] {
        let rows = try await connection.query("""
            SELECT sequence, entry_id, kind, actor, occurred_at, request_id, subject, hash, appended_at
            FROM incidents.audit_ledger WHERE sequence > \(afterSequence)
            ORDER BY sequence LIMIT \(limit)
            """, logger: logger)
        var records: [StoredRecord] = []
        for try await (sequence, entryID, kind, actor, occurredAt, requestID, subject, hash, appendedAt)
            in rows.decode((Int64, String, String, String, String, String, String, Data, Date).self) {
            let record = LedgerRecord(tenantID: tenantID.uuidString.lowercased(), sequence: sequence, entryID: entryID,
                                      kind: kind, actor: actor, occurredAt: occurredAt, requestID: requestID, subject: subject)
            records.append(StoredRecord(record: record, hash: Array(hash), appendedAt: appendedAt))
        }
        return records
    }

    /// Recomputes the tenant's whole chain in one repeatable-read snapshot.
    func verify(scope: TenantScope, logger: Logger) async throws -> ChainVerifier {
        try await database.withTenantSnapshot(scope, logger: logger) { connection in
            var verifier = ChainVerifier()
            var after: Int64 = 0
            while true {
                let page = try await Self.page(after: after, limit: 1000, tenantID: scope.tenantID, on: connection, logger: logger)
                for stored in page where !verifier.feed(stored.record, storedHash: stored.hash) { return verifier }
                guard let last = page.last else { break }
                after = last.record.sequence
            }
            var headSequence: Int64 = 0
            var headHash = AuditChain.genesis
            let head = try await connection.query("SELECT sequence, hash FROM incidents.audit_heads", logger: logger)
            for try await (sequence, hash) in head.decode((Int64, Data).self) {
                headSequence = sequence
                headHash = Array(hash)
            }
            verifier.finish(headSequence: headSequence, headHash: headHash)
            return verifier
        }
    }
}
