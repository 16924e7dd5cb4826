import Foundation
import Logging
import PalisadeEvents
import PalisadeStore
import PostgresNIO

/// A person (or service identity) of a tenant, known by the subject they sign in as.
struct TenantUser: Sendable {
    var userID: UUID
    var subject: String
    var displayName: String
    var roles: [String]
    var disabled: Bool
    var createdAt: Date
    var updatedAt: Date
}

/// The `identity.users` table.
struct UserStore: Sendable {
    let database: Database

    private static let columns = "user_id, subject, display_name, roles, disabled, created_at, updated_at"

    /// Nil when the subject is taken in this tenant.
    func create(subject: String, displayName: String, roles: [String], scope: TenantScope,
                audit: (UUID) -> Palisade_V1_AuditEntry, logger: Logger) async throws -> TenantUser? {
        let userID = UUID()
        let entry = audit(userID)
        do {
            return try await database.withTenant(scope, logger: logger) { connection in
                let users = try await Self.decode(connection.query("""
                    INSERT INTO identity.users (tenant_id, user_id, subject, display_name, roles)
                    VALUES (\(scope.tenantID), \(userID), \(subject), \(displayName), \(roles))
                    RETURNING \(unescaped: Self.columns)
                    """, logger: logger))
                try await IdentityAudit.stage(entry, on: connection, logger: logger)
                return users.first
            }
        } catch where DatabaseFailure(error)?.sqlState == "23505" {
            return nil
        }
    }

    func list(scope: TenantScope, logger: Logger) async throws -> [TenantUser] {
        try await database.withTenant(scope, logger: logger) { connection in
            try await Self.decode(connection.query(
                "SELECT \(unescaped: Self.columns) FROM identity.users ORDER BY created_at, user_id LIMIT 1000", logger: logger
            ))
        }
    }

    func find(_ userID: UUID, scope: TenantScope, logger: Logger) async throws -> TenantUser? {
        try await database.withTenant(scope, logger: logger) { connection in
            try await Self.decode(connection.query(
                "SELECT \(unescaped: Self.columns) FROM identity.users WHERE user_id = \(userID)", logger: logger
            )).first
        }
    }

    /// The user who signs in as `subject`, if the tenant has one.
    func find(subject: String, scope: TenantScope, logger: Logger) async throws -> TenantUser? {
        try await database.withTenant(scope, logger: logger) { connection in
            try await Self.decode(connection.query(
                "SELECT \(unescaped: Self.columns) FROM identity.users WHERE subject = \(subject)", logger: logger
            )).first
        }
    }

    /// Applies the changes given (nil: unchanged); nil when there is no such user.
    func update(_ userID: UUID, displayName: String?, roles: [String]?, disabled: Bool?, scope: TenantScope,
                audit: Palisade_V1_AuditEntry, logger: Logger) async throws -> TenantUser? {
        try await database.withTenant(scope, logger: logger) { connection in
            let users = try await Self.decode(connection.query("""
                UPDATE identity.users SET
                    display_name = coalesce(\(displayName), display_name),
                    roles = coalesce(\(roles), roles),
                    disabled = coalesce(\(disabled), disabled),
                    updated_at = now()
                WHERE user_id = \(userID)
                RETURNING \(unescaped: Self.columns)
                """, logger: logger))
            if !users.isEmpty { try await IdentityAudit.stage(audit, on: connection, logger: logger) }
            return users.first
        }
    }

    func delete(_ userID: UUID, scope: TenantScope, audit: Palisade_V1_AuditEntry, logger: Logger) async throws -> Bool {
        try await database.withTenant(scope, logger: logger) { connection in
            let rows = try await connection.query("DELETE FROM identity.users WHERE user_id = \(userID) RETURNING user_id", logger: logger)
            var deleted = false
            for try await _ in rows.decode(UUID.self) { deleted = true }
            if deleted { try await IdentityAudit.stage(audit, on: connection, logger: logger) }
            return deleted
        }
    }

    private static func decode(_ rows: PostgresRowSequence) async throws -> [TenantUser] {
        var users: [TenantUser] = []
        for try await (id, subject, name, roles, disabled, createdAt, updatedAt)
            in rows.decode((UUID, String, String, [String], Bool, Date, Date).self) {
            users.append(TenantUser(userID: id, subject: subject, displayName: name, roles: roles,
                                    disabled: disabled, createdAt: createdAt, updatedAt: updatedAt))
        }
        return users
    }
}
