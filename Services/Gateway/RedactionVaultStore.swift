import Foundation
import Logging
import PalisadeAuth
import PalisadeGuard
import PalisadeStore
import Synchronization

/// The `identity.redaction_vault` table: values redacted reversibly, sealed under the
/// tenant's data key, found by their token. Revealing one is a separate, audited call.
struct RedactionVaultStore: Sendable {
    let database: Database
    let dataKeys: TenantDataKeys

    static func context(tenant: UUID, token: String) -> String {
        "palisade/redaction/\(tenant.uuidString.lowercased())/\(token)"
    }

    /// Seals and stores what one call vaulted.
    func store(_ entries: [VaultEntry], scope: TenantScope, requestID: String, logger: Logger) async throws {
        guard !entries.isEmpty else { return }
        try await database.withTenant(scope, logger: logger) { connection in
            let (dataKeyID, dataKey) = try await dataKeys.active(tenant: scope.tenantID, on: connection, logger: logger)
            for entry in entries {
                let sealed = try dataKey.seal(Data(entry.value.utf8), context: Self.context(tenant: scope.tenantID, token: entry.token))
                try await connection.query("""
                    INSERT INTO identity.redaction_vault (tenant_id, token, detector, sealed_value, data_key_id, request_id)
                    VALUES (\(scope.tenantID), \(entry.token), \(entry.detector), \(sealed), \(dataKeyID), \(requestID))
                    ON CONFLICT DO NOTHING
                    """, logger: logger)
            }
        }
    }

    /// The value behind `token` and its detector, or nil when the tenant has no such token.
    func reveal(_ token: String, scope: TenantScope, logger: Logger) async throws -> (value: String, detector: String)? {
        try await database.withTenant(scope, logger: logger) { connection in
            let rows = try await connection.query(
                "SELECT detector, data_key_id, sealed_value FROM identity.redaction_vault WHERE token = \(token)", logger: logger
            )
            for try await (detector, dataKeyID, sealed) in rows.decode((String, UUID, Data).self) {
                let key = try await dataKeys.key(TenantDataKeys.KeyID(tenantID: scope.tenantID, dataKeyID: dataKeyID),
                                                 on: connection, logger: logger)
                let value = try key.open(sealed, context: Self.context(tenant: scope.tenantID, token: token))
                return (String(decoding: value, as: UTF8.self), detector)
            }
            return nil
        }
    }
}

/// A value a call redacted reversibly, and its token.
struct VaultEntry: Sendable {
    var token: String
    var detector: String
    var value: String
}

/// The vault of one call: hands out tokens while the response is rewritten and keeps the
/// values for `RedactionVaultStore` (one token per distinct value and type).
final class CallVault: RedactionVault {
    private let entries = Mutex<[String: VaultEntry]>([:])

    func token(for value: String, type: String) throws -> String {
        entries.withLock { entries in
            let key = "\(type)\u{0}\(value)"
            if let existing = entries[key] { return Self.text(existing) }
            let entry = VaultEntry(token: "tok_" + Hex.encode(SecureBytes.random(10)), detector: type, value: value)
            entries[key] = entry
            return Self.text(entry)
        }
    }

    var collected: [VaultEntry] { entries.withLock { Array($0.values) } }

    /// `[vault:email:tok_…]`: says what was there and where to ask for it.
    private static func text(_ entry: VaultEntry) -> String { "[vault:\(entry.detector):\(entry.token)]" }
}
