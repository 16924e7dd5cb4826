import PalisadeKafka
import PalisadeService

/// palisade-siem: subscribed to its topics; its behaviour arrives with its issue.
@main
enum Siem: ServiceDefinition {
    static let descriptor = ServiceCatalog.siem

    static func serve(on host: ServiceHost) async throws {
        let router = host.makeRouter()
        let inbox = try host.consumer(group: "inbox", topics: descriptor.consumes) { batch in
            host.logger.debug("records received", metadata: ["count": "\(batch.count)"])
        }
        try await host.run(router: router, services: [inbox])
    }
}
