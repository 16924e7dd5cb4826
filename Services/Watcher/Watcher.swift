import Foundation
import PalisadeKafka
import PalisadeService

/// palisade-watcher: polls the documents tenants watch and turns their changes into change
/// events, with the routes each change affects.
@main
enum Watcher: ServiceDefinition {
    static let descriptor = ServiceCatalog.watcher

    static func serve(on host: ServiceHost) async throws {
        let settings = host.settings
        let store = SourceStore(database: host.database, claimant: UUID())
        let router = host.makeRouter()
        let minimumInterval = try settings.integer("PALISADE_WATCHER_MIN_INTERVAL_SECONDS", default: 60, range: 1...86_400)
        SourceRoutes(store: store, minimumInterval: minimumInterval).register(on: router, registry: host.routes)
        let fetchTimeout = try settings.integer("PALISADE_WATCHER_FETCH_TIMEOUT_SECONDS", default: 15, range: 1...600)
        let poller = SourcePoller(
            store: store,
            check: SourceCheck(store: store, producer: host.producer, fetchTimeout: .seconds(fetchTimeout), logger: host.logger),
            concurrency: try settings.integer("PALISADE_WATCHER_CONCURRENCY", default: 20, range: 1...500),
            interval: .milliseconds(try settings.integer("PALISADE_WATCHER_TICK_MS", default: 1000, range: 50...60_000)),
            logger: host.logger
        )
        let inventory = RouteInventory(store: store, logger: host.logger)
        let routes = try host.consumer(group: "inventory", topics: [.runtime], batchWindow: ConsumerService.sinkBatchWindow) { batch in
            try await inventory.handle(batch)
        }
        try await host.run(router: router, services: [routes, poller])
    }
}
