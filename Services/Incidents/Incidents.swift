import PalisadeKafka
import PalisadeService

/// palisade-incidents: correlates policy results and changes into incidents, publishes their
/// changes, and keeps each tenant's hash-chained audit ledger.
@main
enum Incidents: ServiceDefinition {
    static let descriptor = ServiceCatalog.incidents

    static func serve(on host: ServiceHost) async throws {
        let windowSeconds = try host.settings.integer("PALISADE_CORRELATION_WINDOW_SECONDS", default: 900, range: 1...604_800)
        let store = IncidentStore(database: host.database, correlationWindow: .seconds(windowSeconds))
        let ledger = LedgerStore(database: host.database)
        let publisher = IncidentPublisher(producer: host.producer)
        let router = host.makeRouter()
        IncidentRoutes(store: store, publisher: publisher).register(on: router, registry: host.routes)
        AuditRoutes(ledger: ledger).register(on: router, registry: host.routes)

        let correlation = Correlation(store: store, publisher: publisher, logger: host.logger)
        let correlate = try host.consumer(group: "correlate", topics: [.policyResults, .change], maxBatch: 200) { batch in
            try await correlation.handle(batch)
        }
        let ledgerAppend = LedgerAppend(ledger: ledger, logger: host.logger)
        let append = try host.consumer(group: "ledger", topics: [.audit], batchWindow: ConsumerService.sinkBatchWindow) { batch in
            try await ledgerAppend.handle(batch)
        }
        try await host.run(router: router, services: [correlate, append])
    }
}
