import Foundation
import Hummingbird
import Logging
import PalisadeAuth
import PalisadeEdge
import PalisadeEvents
import PalisadeService
import PalisadeStore
import PostgresNIO

/// `POST /v1/tenants` and `PATCH /v1/tenants/{id}` (platform operators, `tenants:admin`) and
/// `GET /v1/tenants/{id}` (the tenant itself, or an operator). Another tenant's id is 404.
struct TenantRoutes: Sendable {
    let store: TenantStore
    let routes: RouteRegistry
    /// Told about changed allowances so this gateway applies them at once.
    let limits: ExpiringCache<String, RateLimits>

    struct NewTenant: Decodable {
        var name: String
    }

    struct LimitsChange: Decodable {
        var requestsPerMinute: Int?
        var routeRequestsPerMinute: [String: Int]?

        enum CodingKeys: String, CodingKey {
            case requestsPerMinute = "requests_per_minute"
            case routeRequestsPerMinute = "route_requests_per_minute"
        }
    }

    static func view(_ tenant: StoredTenant) -> JSONValue {
        .object([
            "tenant_id": .string(tenant.tenantID.uuidString.lowercased()), "name": .string(tenant.name),
            "created_at": .string(RFC3339.format(tenant.createdAt)),
            "requests_per_minute": tenant.limits.perMinute.map { .integer(Int64($0)) } ?? .null,
            "route_requests_per_minute": .object(tenant.limits.perRoute.mapValues { .integer(Int64($0)) }),
        ])
    }

    func register(on router: Router<PalisadeRequestContext>, registry: RouteRegistry) {
        router.route(.post, "/v1/tenants", registry: registry) { request, context in
            let claims = try context.requireClaims(Capability.tenantsAdmin)
            let input = try await MessageBody.decodeJSON(request, as: NewTenant.self)
            let name = input.name.trimmingCharacters(in: .whitespacesAndNewlines)
            guard (1...200).contains(name.count) else {
                throw Problem.invalid("the tenant is not valid", errors: [ProblemField(index: nil, field: "name", reason: "must be 1 to 200 characters")])
            }
            let tenant = try await store.create(tenantID: UUID(), name: name, actor: claims.sub.value, logger: context.logger)
            context.logger.info("tenant created", metadata: ["created_tenant_id": "\(tenant.tenantID.uuidString.lowercased())"])
            return try MessageBody.json(Self.view(tenant), status: .created)
        }
        router.route(.get, "/v1/tenants/{id}", registry: registry) { _, context in
            let tenantID = try visibleTenant(context)
            guard let tenant = try await store.find(tenantID, logger: context.logger) else { throw Self.notFound }
            return try MessageBody.json(Self.view(tenant))
        }
        router.route(.patch, "/v1/tenants/{id}", registry: registry) { request, context in
            let claims = try context.requireClaims(Capability.tenantsAdmin)
            let tenantID = try context.pathUUID("id")
            let change = try await MessageBody.decodeJSON(request, as: LimitsChange.self)
            var problems: [ProblemField] = []
            if let perMinute = change.requestsPerMinute, !(1...10_000_000).contains(perMinute) {
                problems.append(.init(index: nil, field: "requests_per_minute", reason: "must be 1 to 10000000"))
            }
            for (route, perMinute) in change.routeRequestsPerMinute ?? [:] {
                if !isRoute(route) {
                    problems.append(.init(index: nil, field: "route_requests_per_minute", reason: "'\(route)' is not a route (e.g. 'GET /v1/events')"))
                }
                if !(1...10_000_000).contains(perMinute) {
                    problems.append(.init(index: nil, field: "route_requests_per_minute", reason: "'\(route)' must be 1 to 10000000"))
                }
            }
            guard problems.isEmpty else { throw Problem.invalid("the allowances are not valid", errors: problems) }
            guard let tenant = try await store.updateLimits(
                tenantID, perMinute: change.requestsPerMinute, perRoute: change.routeRequestsPerMinute,
                actor: claims.sub.value, requestID: context.requestID, logger: context.logger
            ) else { throw Self.notFound }
            limits.remove(tenantID.uuidString.lowercased())
            return try MessageBody.json(Self.view(tenant))
        }
    }

    static let notFound = Problem.notFound("no such tenant")

    /// Callers see their own tenant; operators any.
    private func visibleTenant(_ context: PalisadeRequestContext) throws -> UUID {
        guard let claims = context.claims else { throw Problem.unauthorized("a credential is required") }
        let tenantID = try context.pathUUID("id")
        guard claims.allows(Capability.tenantsAdmin) || claims.tenant == tenantID else { throw Self.notFound }
        return tenantID
    }

    /// `METHOD /path` of a route this gateway serves, its path written as registered.
    private func isRoute(_ text: String) -> Bool {
        let parts = text.split(separator: " ", maxSplits: 1)
        guard parts.count == 2 else { return false }
        return routes.methods(matching: String(parts[1])).contains { $0.rawValue == parts[0] }
    }
}

struct StoredTenant: Sendable {
    var tenantID: UUID
    var name: String
    var createdAt: Date
    var limits: RateLimits
}

/// The `identity.tenants` table. Every statement runs as the tenant it names, so row-level
/// security admits exactly that row, also for an operator acting from outside it.
struct TenantStore: Sendable {
    let database: Database

    private static let columns = "tenant_id, name, created_at, requests_per_minute, route_requests_per_minute::text"

    func create(tenantID: UUID, name: String, actor: String, logger: Logger) async throws -> StoredTenant {
        let scope = TenantScope(tenantID: tenantID, subject: actor, roles: ["platform-admin"])
        return try await database.withTenant(scope, logger: logger) { connection in
            try await Self.decode(connection.query(
                "INSERT INTO identity.tenants (tenant_id, name) VALUES (\(tenantID), \(name)) RETURNING \(unescaped: Self.columns)",
                logger: logger
            ))[0]
        }
    }

    func find(_ tenantID: UUID, logger: Logger) async throws -> StoredTenant? {
        let scope = TenantScope.service("gateway", tenantID: tenantID)
        return try await database.withTenant(scope, logger: logger) { connection in
            try await Self.decode(connection.query("SELECT \(unescaped: Self.columns) FROM identity.tenants", logger: logger)).first
        }
    }

    /// Nil leaves a value as it is; the change is audited in the tenant's ledger.
    func updateLimits(_ tenantID: UUID, perMinute: Int?, perRoute: [String: Int]?, actor: String, requestID: String,
                      logger: Logger) async throws -> StoredTenant? {
        let scope = TenantScope(tenantID: tenantID, subject: actor, roles: ["platform-admin"])
        let routes = try perRoute.map { String(decoding: try JSONEncoder().encode($0), as: UTF8.self) }
        let entry = IdentityAudit.entry(tenant: tenantID, kind: "tenant.limits_changed", actor: actor, requestID: requestID, subject: .object([
            "requests_per_minute": perMinute.map { .integer(Int64($0)) } ?? .null,
            "route_requests_per_minute": .object((perRoute ?? [:]).mapValues { .integer(Int64($0)) }),
        ]))
        return try await database.withTenant(scope, logger: logger) { connection in
            let tenants = try await Self.decode(connection.query("""
                UPDATE identity.tenants SET
                    requests_per_minute = coalesce(\(perMinute), requests_per_minute),
                    route_requests_per_minute = coalesce(\(routes)::jsonb, route_requests_per_minute)
                RETURNING \(unescaped: Self.columns)
                """, logger: logger))
            if !tenants.isEmpty { try await IdentityAudit.stage(entry, on: connection, logger: logger) }
            return tenants.first
        }
    }

    /// The tenant's allowances; the defaults for a tenant without a row.
    func limits(_ tenantID: UUID, logger: Logger) async throws -> RateLimits {
        try await find(tenantID, logger: logger)?.limits ?? .defaults
    }

    private static func decode(_ rows: PostgresRowSequence) async throws -> [StoredTenant] {
        var tenants: [StoredTenant] = []
        for try await (id, name, createdAt, perMinute, perRoute) in rows.decode((UUID, String, Date, Int?, String).self) {
            let routes = (try? JSONDecoder().decode([String: Int].self, from: Data(perRoute.utf8))) ?? [:]
            tenants.append(StoredTenant(tenantID: id, name: name, createdAt: createdAt, limits: RateLimits(perMinute: perMinute, perRoute: routes)))
        }
        return tenants
    }
}
