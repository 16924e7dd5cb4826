import PalisadeDelivery
import PalisadeKafka
import PalisadeService

/// palisade-siem: each tenant's SIEM destinations, and the stream of incidents and audit
/// records to them (Splunk HEC today).
@main
enum Siem: ServiceDefinition {
    static let descriptor = ServiceCatalog.siem

    static func serve(on host: ServiceHost) async throws {
        let settings = host.settings
        let retry = RetryPolicy(
            maxAttempts: try settings.integer("PALISADE_SIEM_MAX_ATTEMPTS", default: 6, range: 1...50),
            baseDelay: .milliseconds(try settings.integer("PALISADE_SIEM_BACKOFF_MS", default: 500, range: 1...600_000)),
            maxDelay: .seconds(try settings.integer("PALISADE_SIEM_MAX_BACKOFF_SECONDS", default: 30, range: 1...3600)),
            attemptTimeout: .seconds(try settings.integer("PALISADE_SIEM_TIMEOUT_SECONDS", default: 10, range: 1...300))
        )
        let destinations = DestinationStore(database: host.database)
        let router = host.makeRouter()
        DestinationRoutes(store: destinations).register(on: router, registry: host.routes)
        let forwarding = HECForwarding(destinations: destinations, producer: host.producer, retry: retry, logger: host.logger)
        let forward = try host.consumer(group: "hec", topics: [.incidents, .audit], maxBatch: 500, batchWindow: ConsumerService.sinkBatchWindow) { batch in
            try await forwarding.handle(batch)
        }
        try await host.run(router: router, services: [forward])
    }
}
