import Foundation
import Logging
import PalisadeAuth
import PalisadeEvents
import PalisadeStore
import PostgresNIO

/// A tenant's own role: a name for a set of capabilities.
struct CustomRole: Sendable {
    var name: String
    var description: String
    var capabilities: [String]
    var createdAt: Date
}

/// The `identity.roles` table, and what roles grant (built-in roles come from code).
struct RoleStore: Sendable {
    let database: Database

    func create(_ role: CustomRole, scope: TenantScope, audit: Palisade_V1_AuditEntry, logger: Logger) async throws {
        try await database.withTenant(scope, logger: logger) { connection in
            try await connection.query("""
                INSERT INTO identity.roles (tenant_id, name, description, capabilities)
                VALUES (\(scope.tenantID), \(role.name), \(role.description), \(role.capabilities))
                """, logger: logger)
            try await IdentityAudit.stage(audit, on: connection, logger: logger)
        }
    }

    func list(scope: TenantScope, logger: Logger) async throws -> [CustomRole] {
        try await database.withTenant(scope, logger: logger) { connection in
            try await Self.roles(on: connection, named: nil, logger: logger)
        }
    }

    /// False when the tenant has no such role.
    func delete(_ name: String, scope: TenantScope, audit: Palisade_V1_AuditEntry, logger: Logger) async throws -> Bool {
        try await database.withTenant(scope, logger: logger) { connection in
            let rows = try await connection.query("DELETE FROM identity.roles WHERE name = \(name) RETURNING name", logger: logger)
            var deleted = false
            for try await _ in rows.decode(String.self) { deleted = true }
            if deleted { try await IdentityAudit.stage(audit, on: connection, logger: logger) }
            return deleted
        }
    }

    /// Capabilities of each named role that exists (built-in or the tenant's); unknown names
    /// are absent from the answer.
    func capabilities(of names: [String], scope: TenantScope, logger: Logger) async throws -> [String: [String]] {
        var known = BuiltInRoles.capabilities.filter { names.contains($0.key) }
        let custom = names.filter { !BuiltInRoles.isReserved($0) }
        guard !custom.isEmpty else { return known }
        let roles = try await database.withTenant(scope, logger: logger) { connection in
            try await Self.roles(on: connection, named: custom, logger: logger)
        }
        for role in roles { known[role.name] = role.capabilities }
        return known
    }

    static func roles(on connection: PostgresConnection, named: [String]?, logger: Logger) async throws -> [CustomRole] {
        let rows = try await connection.query("""
            SELECT name, description, capabilities, created_at FROM identity.roles
            WHERE \(named == nil) OR name = ANY(\(named ?? []))
            ORDER BY name
            """, logger: logger)
        var roles: [CustomRole] = []
        for try await (name, description, capabilities, createdAt) in rows.decode((String, String, [String], Date).self) {
            roles.append(CustomRole(name: name, description: description, capabilities: capabilities, createdAt: createdAt))
        }
        return roles
    }
}
