import PalisadeService

/// palisade-gateway: the authenticated edge. Relays `/v1/*` to the services and keeps tenants.
@main
enum Gateway: ServiceDefinition {
    static let descriptor = ServiceCatalog.gateway

    static func serve(on host: ServiceHost) async throws {
        let router = host.makeRouter()
        UpstreamRoutes.register(on: router, host: host)
        TenantRoutes(store: TenantStore(database: host.database)).register(on: router, registry: host.routes)
        let packs = try host.consumer(group: "policy-packs", topics: descriptor.consumes) { _ in
            // Policy packs arrive with the policy engine; until then the subscription only
            // proves the topic is reachable and keeps the group's offsets current.
        }
        try await host.run(router: router, services: [packs])
    }
}
