import Foundation
import Hummingbird
import Logging
import PalisadeAuth
import PalisadeService
import PalisadeStore
import PostgresNIO

/// `POST /v1/tenants`: registers a tenant (platform administrators only).
struct TenantRoutes: Sendable {
    let store: TenantStore

    struct NewTenant: Decodable {
        var name: String
    }

    struct Tenant: Encodable {
        var tenantID: String
        var name: String

        enum CodingKeys: String, CodingKey {
            case tenantID = "tenant_id"
            case name
        }
    }

    func register(on router: Router<PalisadeRequestContext>, registry: RouteRegistry) {
        router.route(.post, "/v1/tenants", registry: registry) { request, context in
            let claims = try context.requireClaims(Capability.tenantsAdmin)
            _ = try MessageBody.requireMediaType(request, accepted: ["application/json"])
            let body = try await MessageBody.collect(request, limit: 64 * 1024)
            guard let input = try? JSONDecoder().decode(NewTenant.self, from: body) else {
                throw Problem.malformed("expected {\"name\": \"...\"}")
            }
            let name = input.name.trimmingCharacters(in: .whitespacesAndNewlines)
            guard (1...200).contains(name.count) else {
                throw Problem.invalid("the tenant is not valid", errors: [ProblemField(index: nil, field: "name", reason: "must be 1 to 200 characters")])
            }
            let tenantID = UUID()
            try await store.create(tenantID: tenantID, name: name, actor: claims.sub.value, logger: context.logger)
            context.logger.info("tenant created", metadata: ["created_tenant_id": "\(tenantID.uuidString.lowercased())"])
            return try MessageBody.json(Tenant(tenantID: tenantID.uuidString.lowercased(), name: name), status: .created)
        }
    }
}

/// The `identity.tenants` table.
struct TenantStore: Sendable {
    let database: Database

    /// Runs as the new tenant, so row-level security admits exactly this row.
    func create(tenantID: UUID, name: String, actor: String, logger: Logger) async throws {
        let scope = TenantScope(tenantID: tenantID, subject: actor, roles: ["platform-admin"])
        try await database.withTenant(scope, logger: logger) { connection in
            try await connection.query(
                "INSERT INTO identity.tenants (tenant_id, name) VALUES (\(tenantID), \(name))",
                logger: logger
            )
        }
    }
}
