import PalisadeDelivery
import PalisadeKafka
import PalisadeService

/// palisade-alerts: each tenant's alert channels, and signed webhook deliveries of incidents.
@main
enum Alerts: ServiceDefinition {
    static let descriptor = ServiceCatalog.alerts

    static func serve(on host: ServiceHost) async throws {
        let settings = host.settings
        let retry = RetryPolicy(
            maxAttempts: try settings.integer("PALISADE_ALERT_MAX_ATTEMPTS", default: 6, range: 1...50),
            baseDelay: .milliseconds(try settings.integer("PALISADE_ALERT_BACKOFF_MS", default: 500, range: 1...600_000)),
            maxDelay: .seconds(try settings.integer("PALISADE_ALERT_MAX_BACKOFF_SECONDS", default: 30, range: 1...3600)),
            attemptTimeout: .seconds(try settings.integer("PALISADE_ALERT_TIMEOUT_SECONDS", default: 10, range: 1...300))
        )
        let channels = ChannelStore(database: host.database)
        let deliveries = DeliveryStore(database: host.database)
        let router = host.makeRouter()
        ChannelRoutes(store: channels).register(on: router, registry: host.routes)
        DeliveryRoutes(store: deliveries).register(on: router, registry: host.routes)
        let dispatch = WebhookDispatch(
            channels: channels, deliveries: deliveries, producer: host.producer, retry: retry,
            publicURL: settings.environment["PALISADE_PUBLIC_URL"] ?? "http://127.0.0.1:8080", logger: host.logger
        )
        let deliver = try host.consumer(group: "webhooks", topics: [.incidents], maxBatch: 100) { batch in
            try await dispatch.handle(batch)
        }
        try await host.run(router: router, services: [deliver])
    }
}
