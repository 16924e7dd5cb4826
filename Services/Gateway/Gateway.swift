import PalisadeService

/// palisade-gateway: the authenticated edge. Forwards `/v1/events` to ingest and keeps tenants.
@main
enum Gateway: ServiceDefinition {
    static let descriptor = ServiceCatalog.gateway

    static func serve(on host: ServiceHost) async throws {
        let router = host.makeRouter()
        let ingestURL = host.settings.environment[ServiceCatalog.ingest.urlVariable]
            ?? "http://127.0.0.1:\(ServiceCatalog.ingest.defaultPort)"
        Forwarding(upstream: ingestURL, name: "ingest").register(
            [(.post, "/v1/events"), (.get, "/v1/events")], on: router, registry: host.routes
        )
        TenantRoutes(store: TenantStore(database: host.database)).register(on: router, registry: host.routes)
        let packs = try host.consumer(group: "policy-packs", topics: descriptor.consumes) { _ in
            // Policy packs arrive with the policy engine; until then the subscription only
            // proves the topic is reachable and keeps the group's offsets current.
        }
        try await host.run(router: router, services: [packs])
    }
}
