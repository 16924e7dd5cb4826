import PalisadeKafka
import PalisadeService

/// palisade-ingest: takes runtime and change events, produces them to Kafka, persists them.
@main
enum Ingest: ServiceDefinition {
    static let descriptor = ServiceCatalog.ingest

    static func serve(on host: ServiceHost) async throws {
        let store = EventStore(database: host.database)
        let router = host.makeRouter()
        EventRoutes(producer: host.producer, store: store).register(on: router, registry: host.routes)
        let persist = try host.consumer(group: "persist", topics: [.runtime, .change], batchWindow: ConsumerService.sinkBatchWindow) { batch in
            try await store.persist(batch)
        }
        try await host.run(router: router, services: [persist])
    }
}
