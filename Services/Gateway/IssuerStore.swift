import Foundation
import Logging
import PalisadeAuth
import PalisadeEvents
import PalisadeStore
import PostgresNIO

/// The `identity.oidc_issuers` table.
struct IssuerStore: Sendable {
    let database: Database

    private static let columns = """
        tenant_id, issuer_id, issuer, jwks_uri, audiences, tenant_claim, tenant_claim_value, subject_claim,
        roles_claim, role_mapping::text, default_roles, clock_skew_seconds
        """

    enum CreateOutcome {
        case created
        /// The issuer (with this tenant claim value) is registered already, here or elsewhere.
        case taken
    }

    func create(_ issuer: OIDCIssuer, scope: TenantScope, audit: Palisade_V1_AuditEntry, logger: Logger) async throws -> CreateOutcome {
        let mapping = String(decoding: try JSONEncoder().encode(issuer.roleMapping), as: UTF8.self)
        do {
            try await database.withTenant(scope, logger: logger) { connection in
                try await connection.query("""
                    INSERT INTO identity.oidc_issuers (tenant_id, issuer_id, issuer, jwks_uri, audiences, tenant_claim,
                        tenant_claim_value, subject_claim, roles_claim, role_mapping, default_roles, clock_skew_seconds)
                    VALUES (\(scope.tenantID), \(issuer.issuerID), \(issuer.issuer), \(issuer.jwksURI), \(issuer.audiences),
                        \(issuer.tenantClaim), \(issuer.tenantClaimValue), \(issuer.subjectClaim), \(issuer.rolesClaim),
                        \(mapping)::jsonb, \(issuer.defaultRoles), \(Int(issuer.clockSkew)))
                    """, logger: logger)
                try await IdentityAudit.stage(audit, on: connection, logger: logger)
            }
            return .created
        } catch where DatabaseFailure(error)?.sqlState == "23505" {
            return .taken
        }
    }

    func list(scope: TenantScope, logger: Logger) async throws -> [OIDCIssuer] {
        try await database.withTenant(scope, logger: logger) { connection in
            try await Self.decode(connection.query(
                "SELECT \(unescaped: Self.columns) FROM identity.oidc_issuers ORDER BY created_at, issuer_id", logger: logger
            ))
        }
    }

    func find(_ issuerID: UUID, scope: TenantScope, logger: Logger) async throws -> OIDCIssuer? {
        try await database.withTenant(scope, logger: logger) { connection in
            try await Self.decode(connection.query(
                "SELECT \(unescaped: Self.columns) FROM identity.oidc_issuers WHERE issuer_id = \(issuerID)", logger: logger
            )).first
        }
    }

    func delete(_ issuerID: UUID, scope: TenantScope, audit: Palisade_V1_AuditEntry, logger: Logger) async throws -> Bool {
        try await database.withTenant(scope, logger: logger) { connection in
            let rows = try await connection.query(
                "DELETE FROM identity.oidc_issuers WHERE issuer_id = \(issuerID) RETURNING issuer_id", logger: logger
            )
            var deleted = false
            for try await _ in rows.decode(UUID.self) { deleted = true }
            if deleted { try await IdentityAudit.stage(audit, on: connection, logger: logger) }
            return deleted
        }
    }

    /// Every tenant's registration of `issuer`, through `identity.oidc_registrations`.
    func registrations(of issuer: String, logger: Logger) async throws -> [OIDCIssuer] {
        try await Self.decode(database.client.query(
            "SELECT \(unescaped: Self.columns) FROM identity.oidc_registrations(\(issuer))", logger: logger
        ))
    }

    private static func decode(_ rows: PostgresRowSequence) async throws -> [OIDCIssuer] {
        var issuers: [OIDCIssuer] = []
        for try await row in rows {
            let (tenant, id, issuer, jwks, audiences, tenantClaim, tenantValue, subjectClaim, rolesClaim, mapping, defaults, skew) =
                try row.decode((UUID, UUID, String, String, [String], String?, String?, String, String, String, [String], Int).self)
            let roleMapping = (try? JSONDecoder().decode([String: String].self, from: Data(mapping.utf8))) ?? [:]
            issuers.append(OIDCIssuer(
                issuerID: id, tenantID: tenant, issuer: issuer, jwksURI: jwks, audiences: audiences,
                tenantClaim: tenantClaim, tenantClaimValue: tenantValue, subjectClaim: subjectClaim, rolesClaim: rolesClaim,
                roleMapping: roleMapping, defaultRoles: defaults, clockSkew: TimeInterval(skew)
            ))
        }
        return issuers
    }
}
