import Foundation
import Logging
import PalisadeCrypto
import PalisadeEvents
import PalisadeStore
import PostgresNIO

/// A tenant's key for an LLM provider, as listed: never the key itself.
struct StoredProviderKey: Sendable {
    var keyID: UUID
    var provider: String
    var name: String
    var hint: String
    var createdBy: String
    var createdAt: Date
    var rotatedAt: Date?
    var revokedAt: Date?
}

/// A provider key sealed as stored, for a call: opened only when the call is made.
struct SealedProviderKey: Sendable {
    var tenantID: UUID
    var keyID: UUID
    var dataKeyID: UUID
    var sealed: Data
}

/// The `identity.provider_keys` table (BYOK). Keys are sealed under the tenant's data key
/// with their own id in the context, so a sealed key copied to another row does not open.
struct ProviderKeyStore: Sendable {
    let database: Database
    let dataKeys: TenantDataKeys

    static let providers = ["openai", "anthropic"]
    private static let columns = "key_id, provider, name, hint, created_by, created_at, rotated_at, revoked_at"

    static func context(tenant: UUID, key: UUID) -> String {
        "palisade/provider-key/\(tenant.uuidString.lowercased())/\(key.uuidString.lowercased())"
    }

    func create(provider: String, name: String, secret: String, scope: TenantScope, audit: (UUID) -> Palisade_V1_AuditEntry,
                logger: Logger) async throws -> StoredProviderKey {
        let keyID = UUID()
        let hint = String(secret.suffix(4))
        return try await database.withTenant(scope, logger: logger) { connection in
            let (dataKeyID, dataKey) = try await dataKeys.active(tenant: scope.tenantID, on: connection, logger: logger)
            let sealed = try dataKey.seal(Data(secret.utf8), context: Self.context(tenant: scope.tenantID, key: keyID))
            let rows = try await connection.query("""
                INSERT INTO identity.provider_keys (tenant_id, key_id, provider, name, sealed_key, data_key_id, hint, created_by)
                VALUES (\(scope.tenantID), \(keyID), \(provider), \(name), \(sealed), \(dataKeyID), \(hint), \(scope.subject))
                RETURNING \(unescaped: Self.columns)
                """, logger: logger)
            try await IdentityAudit.stage(audit(keyID), on: connection, logger: logger)
            return try await Self.decode(rows)[0]
        }
    }

    func list(scope: TenantScope, logger: Logger) async throws -> [StoredProviderKey] {
        try await database.withTenant(scope, logger: logger) { connection in
            try await Self.decode(connection.query(
                "SELECT \(unescaped: Self.columns) FROM identity.provider_keys ORDER BY created_at, key_id LIMIT 1000", logger: logger
            ))
        }
    }

    /// Revokes once (the audit entry is staged only then). Nil: no such key in the tenant.
    func revoke(_ keyID: UUID, scope: TenantScope, audit: Palisade_V1_AuditEntry, logger: Logger) async throws -> Bool? {
        try await database.withTenant(scope, logger: logger) { connection in
            let revoked = try await connection.query("""
                UPDATE identity.provider_keys SET revoked_at = now() WHERE key_id = \(keyID) AND revoked_at IS NULL RETURNING key_id
                """, logger: logger)
            for try await _ in revoked.decode(UUID.self) {
                try await IdentityAudit.stage(audit, on: connection, logger: logger)
                return true
            }
            let existing = try await connection.query("SELECT key_id FROM identity.provider_keys WHERE key_id = \(keyID)", logger: logger)
            for try await _ in existing.decode(UUID.self) { return false }
            return nil
        }
    }

    /// The key a call uses: `keyID` if given, else the tenant's newest unrevoked key of `provider`.
    func sealedKey(provider: String, keyID: UUID?, scope: TenantScope, logger: Logger) async throws -> SealedProviderKey? {
        try await database.withTenant(scope, logger: logger) { connection in
            let rows = try await connection.query("""
                SELECT key_id, data_key_id, sealed_key FROM identity.provider_keys
                WHERE provider = \(provider) AND revoked_at IS NULL
                  AND (\(keyID)::uuid IS NULL OR key_id = \(keyID))
                ORDER BY created_at DESC LIMIT 1
                """, logger: logger)
            for try await (id, dataKeyID, sealed) in rows.decode((UUID, UUID, Data).self) {
                return SealedProviderKey(tenantID: scope.tenantID, keyID: id, dataKeyID: dataKeyID, sealed: sealed)
            }
            return nil
        }
    }

    /// The provider key in clear, for the one upstream call that needs it.
    func open(_ key: SealedProviderKey, scope: TenantScope, logger: Logger) async throws -> String {
        let dataKeyID = TenantDataKeys.KeyID(tenantID: key.tenantID, dataKeyID: key.dataKeyID)
        let dataKey: DataKey
        if let cached = dataKeys.wrapped.value(for: dataKeyID) {
            dataKey = try DataKey(rawBytes: dataKeys.wrapping.open(cached, context: TenantDataKeys.context(dataKeyID)))
        } else {
            dataKey = try await database.withTenant(scope, logger: logger) { connection in
                try await dataKeys.key(dataKeyID, on: connection, logger: logger)
            }
        }
        let plain = try dataKey.open(key.sealed, context: Self.context(tenant: key.tenantID, key: key.keyID))
        return String(decoding: plain, as: UTF8.self)
    }

    /// A new data key for the tenant; every provider key and vaulted value is opened with the
    /// old one and sealed again with the new. Returns how many secrets were re-sealed.
    func rotateDataKey(scope: TenantScope, audit: (Int) -> Palisade_V1_AuditEntry, logger: Logger) async throws -> Int {
        try await database.withTenant(scope, logger: logger) { connection in
            let (_, newID, newKey) = try await dataKeys.rotate(tenant: scope.tenantID, on: connection, logger: logger)
            var resealed = 0
            let keys = try await connection.query(
                "SELECT key_id, data_key_id, sealed_key FROM identity.provider_keys WHERE data_key_id <> \(newID)", logger: logger
            )
            var providerKeys: [(UUID, UUID, Data)] = []
            for try await row in keys.decode((UUID, UUID, Data).self) { providerKeys.append(row) }
            for (keyID, oldID, sealed) in providerKeys {
                let context = Self.context(tenant: scope.tenantID, key: keyID)
                let old = try await dataKeys.key(TenantDataKeys.KeyID(tenantID: scope.tenantID, dataKeyID: oldID), on: connection, logger: logger)
                let again = try newKey.seal(old.open(sealed, context: context), context: context)
                try await connection.query("""
                    UPDATE identity.provider_keys SET sealed_key = \(again), data_key_id = \(newID), rotated_at = now()
                    WHERE key_id = \(keyID)
                    """, logger: logger)
                resealed += 1
            }
            let vaulted = try await connection.query(
                "SELECT token, data_key_id, sealed_value FROM identity.redaction_vault WHERE data_key_id <> \(newID)", logger: logger
            )
            var values: [(String, UUID, Data)] = []
            for try await row in vaulted.decode((String, UUID, Data).self) { values.append(row) }
            for (token, oldID, sealed) in values {
                let context = RedactionVaultStore.context(tenant: scope.tenantID, token: token)
                let old = try await dataKeys.key(TenantDataKeys.KeyID(tenantID: scope.tenantID, dataKeyID: oldID), on: connection, logger: logger)
                let again = try newKey.seal(old.open(sealed, context: context), context: context)
                try await connection.query("""
                    UPDATE identity.redaction_vault SET sealed_value = \(again), data_key_id = \(newID) WHERE token = \(token)
                    """, logger: logger)
                resealed += 1
            }
            try await connection.query("""
                DELETE FROM identity.tenant_data_keys k WHERE k.retired_at IS NOT NULL
                  AND NOT EXISTS (SELECT 1 FROM identity.provider_keys p WHERE p.data_key_id = k.data_key_id)
                  AND NOT EXISTS (SELECT 1 FROM identity.redaction_vault v WHERE v.data_key_id = k.data_key_id)
                """, logger: logger)
            try await IdentityAudit.stage(audit(resealed), on: connection, logger: logger)
            return resealed
        }
    }

    private static func decode(_ rows: PostgresRowSequence) async throws -> [StoredProviderKey] {
        var keys: [StoredProviderKey] = []
        for try await (id, provider, name, hint, createdBy, createdAt, rotatedAt, revokedAt)
            in rows.decode((UUID, String, String, String, String, Date, Date?, Date?).self) {
            keys.append(StoredProviderKey(keyID: id, provider: provider, name: name, hint: hint, createdBy: createdBy,
                                          createdAt: createdAt, rotatedAt: rotatedAt, revokedAt: revokedAt))
        }
        return keys
    }
}
