import PalisadeKafka
import PalisadeService

/// palisade-policy: each tenant's threshold rules, applied to every runtime event.
@main
enum Policy: ServiceDefinition {
    static let descriptor = ServiceCatalog.policy

    static func serve(on host: ServiceHost) async throws {
        let rules = RuleStore(database: host.database)
        let router = host.makeRouter()
        RuleRoutes(store: rules).register(on: router, registry: host.routes)
        let evaluation = RuntimeEvaluation(rules: rules, producer: host.producer, logger: host.logger)
        let evaluate = try host.consumer(group: "evaluate", topics: [.runtime]) { batch in
            try await evaluation.handle(batch)
        }
        try await host.run(router: router, services: [evaluate])
    }
}
