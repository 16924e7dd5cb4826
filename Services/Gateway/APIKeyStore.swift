import Foundation
import Logging
import PalisadeAuth
import PalisadeEvents
import PalisadeStore
import PostgresNIO

/// An API key as stored: everything but the secret, which only exists as its hash.
struct StoredAPIKey: Sendable {
    var keyID: String
    var name: String
    var capabilities: [String]
    var createdBy: String
    var createdAt: Date
    var expiresAt: Date?
    var revokedAt: Date?
    var lastUsedAt: Date?
}

/// What verifying a presented key needs, found by key id before the tenant is known.
struct APIKeyCredential: Sendable {
    var tenantID: UUID
    var secretHash: Data
    var capabilities: [String]
    var createdBy: String
    var expiresAt: Date?
    var revokedAt: Date?
}

/// The `identity.api_keys` table.
struct APIKeyStore: Sendable {
    let database: Database

    private static let columns = "key_id, name, capabilities, created_by, created_at, expires_at, revoked_at, last_used_at"

    func create(
        _ key: APIKeyText, name: String, capabilities: [String], expiresAt: Date?,
        scope: TenantScope, audit: Palisade_V1_AuditEntry, logger: Logger
    ) async throws -> StoredAPIKey {
        let hash = key.secretHash
        return try await database.withTenant(scope, logger: logger) { connection in
            let rows = try await connection.query("""
                INSERT INTO identity.api_keys (key_id, tenant_id, name, secret_hash, capabilities, created_by, expires_at)
                VALUES (\(key.id), \(scope.tenantID), \(name), \(hash), \(capabilities), \(scope.subject), \(expiresAt))
                RETURNING \(unescaped: Self.columns)
                """, logger: logger)
            try await IdentityAudit.stage(audit, on: connection, logger: logger)
            return try await Self.decode(rows)[0]
        }
    }

    func list(scope: TenantScope, logger: Logger) async throws -> [StoredAPIKey] {
        try await database.withTenant(scope, logger: logger) { connection in
            try await Self.decode(connection.query(
                "SELECT \(unescaped: Self.columns) FROM identity.api_keys ORDER BY created_at, key_id LIMIT 1000", logger: logger
            ))
        }
    }

    func find(_ keyID: String, scope: TenantScope, logger: Logger) async throws -> StoredAPIKey? {
        try await database.withTenant(scope, logger: logger) { connection in
            try await Self.decode(connection.query(
                "SELECT \(unescaped: Self.columns) FROM identity.api_keys WHERE key_id = \(keyID)", logger: logger
            )).first
        }
    }

    /// Revokes the key once; `audit` is staged only by the call that revoked it. Nil: no such key.
    func revoke(_ keyID: String, scope: TenantScope, audit: Palisade_V1_AuditEntry, logger: Logger) async throws -> (key: StoredAPIKey, revokedNow: Bool)? {
        try await database.withTenant(scope, logger: logger) { connection in
            let revoked = try await Self.decode(connection.query("""
                UPDATE identity.api_keys SET revoked_at = now()
                WHERE key_id = \(keyID) AND revoked_at IS NULL
                RETURNING \(unescaped: Self.columns)
                """, logger: logger))
            if let key = revoked.first {
                try await IdentityAudit.stage(audit, on: connection, logger: logger)
                return (key, true)
            }
            let existing = try await Self.decode(connection.query(
                "SELECT \(unescaped: Self.columns) FROM identity.api_keys WHERE key_id = \(keyID)", logger: logger
            ))
            return existing.first.map { ($0, false) }
        }
    }

    /// Cross-tenant lookup through `identity.api_key_credential`; nil for an unknown id.
    func credential(_ keyID: String, logger: Logger) async throws -> APIKeyCredential? {
        let rows = try await database.client.query(
            "SELECT tenant_id, secret_hash, capabilities, created_by, expires_at, revoked_at FROM identity.api_key_credential(\(keyID))",
            logger: logger
        )
        for try await (tenant, hash, capabilities, createdBy, expiresAt, revokedAt)
            in rows.decode((UUID, Data, [String], String, Date?, Date?).self) {
            return APIKeyCredential(tenantID: tenant, secretHash: hash, capabilities: capabilities,
                                    createdBy: createdBy, expiresAt: expiresAt, revokedAt: revokedAt)
        }
        return nil
    }

    /// Records when keys were last used, and the usage's audit entries, in one transaction.
    func recordUse(_ lastUsed: [String: Date], audit: [Palisade_V1_AuditEntry], scope: TenantScope, logger: Logger) async throws {
        try await database.withTenant(scope, logger: logger) { connection in
            for (keyID, usedAt) in lastUsed {
                try await connection.query("""
                    UPDATE identity.api_keys SET last_used_at = greatest(last_used_at, \(usedAt)) WHERE key_id = \(keyID)
                    """, logger: logger)
            }
            for entry in audit { try await IdentityAudit.stage(entry, on: connection, logger: logger) }
        }
    }

    private static func decode(_ rows: PostgresRowSequence) async throws -> [StoredAPIKey] {
        var keys: [StoredAPIKey] = []
        for try await (id, name, capabilities, createdBy, createdAt, expiresAt, revokedAt, lastUsedAt)
            in rows.decode((String, String, [String], String, Date, Date?, Date?, Date?).self) {
            keys.append(StoredAPIKey(keyID: id, name: name, capabilities: capabilities, createdBy: createdBy,
                                     createdAt: createdAt, expiresAt: expiresAt, revokedAt: revokedAt, lastUsedAt: lastUsedAt))
        }
        return keys
    }
}
