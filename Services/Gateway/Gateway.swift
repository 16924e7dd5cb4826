import PalisadeEdge
import PalisadeService

/// palisade-gateway: the authenticated edge. Relays `/v1/*` to the services and keeps tenants.
@main
enum Gateway: ServiceDefinition {
    static let descriptor = ServiceCatalog.gateway

    static func serve(on host: ServiceHost) async throws {
        let router = host.makeRouter()
        let perMinute = try host.settings.integer("PALISADE_RATE_LIMIT_PER_MINUTE", default: 2000, range: 1...10_000_000)
        // Added before the routes it guards (Hummingbird applies middleware to later routes).
        router.add(middleware: RateLimitMiddleware(limiter: TokenBucketLimiter(capacity: perMinute)))
        UpstreamRoutes.register(on: router, host: host)
        TenantRoutes(store: TenantStore(database: host.database)).register(on: router, registry: host.routes)
        let packs = try host.consumer(group: "policy-packs", topics: [.policyPacks]) { _ in
            // Policy packs arrive with the policy engine; until then the subscription only
            // proves the topic is reachable and keeps the group's offsets current.
        }
        try await host.run(router: router, services: [packs])
    }
}
