import Foundation
import Hummingbird
import Logging
import PalisadeAuth
import PalisadeKafka
import PalisadeStore
import Prometheus
import ServiceLifecycle

/// What every service is handed: its settings, logger, metrics, database pool, producer and
/// token verifier, plus a router already carrying the shared middleware and endpoints.
public struct ServiceHost: Sendable {
    public let settings: ServiceSettings
    public let logger: Logger
    public let metrics: PrometheusCollectorRegistry
    public let database: Database
    public let producer: KafkaProducer
    public let verifier: PlatformTokenVerifier
    public let routes: RouteRegistry
    /// Conditions `/readyz` reports besides the database and Kafka.
    public let readiness = ReadinessChecks()
    /// The process's CPU, memory and descriptors, refreshed on each scrape of `/metrics`.
    let process: ProcessMetrics
    /// How often the verifier asks the JWKS for keys besides when it meets an unknown kid.
    let jwksRefresh: Duration

    public var descriptor: ServiceDescriptor { settings.descriptor }

    public init(settings: ServiceSettings) async throws {
        self.settings = settings
        metrics = Observability.bootstrap(service: settings.descriptor.name, level: settings.logLevel, format: settings.logFormat)
        process = Observability.processMetrics(in: metrics)
        logger = Logger(label: settings.descriptor.executable)
        database = Database(configuration: settings.database(role: .runtime), logger: logger)
        producer = try KafkaProducer(configuration: try settings.kafka(), logger: logger)
        jwksRefresh = .seconds(try settings.integer("PALISADE_PLATFORM_JWKS_REFRESH_SECONDS", default: 60, range: 1...86_400))
        verifier = await PlatformTokenVerifier(
            verifyingKeys: try settings.verifyingKeys(), source: settings.jwksURL.map(JWKSKeySource.init(url:)),
            verifiedLifetime: jwksRefresh
        )
        routes = RouteRegistry()
    }

    /// A router with request ids, RFC 7807 errors, metrics, authentication on `/v1/` (platform
    /// tokens unless told otherwise), and `/healthz`, `/readyz`, `/metrics`.
    public func makeRouter(authenticator: (any Authenticator)? = nil) -> Router<PalisadeRequestContext> {
        let router = Router(context: PalisadeRequestContext.self)
        router.add(middleware: RequestIDMiddleware())
        router.add(middleware: ProblemMiddleware(registry: routes))
        router.add(middleware: MetricsMiddleware())
        router.add(middleware: QuerySafetyMiddleware())
        router.add(middleware: AuthenticationMiddleware(
            authenticator: authenticator ?? PlatformTokenAuthenticator(verifier: verifier), pathPrefix: "/v1/"
        ))
        HealthRoutes(database: database, producer: producer, metrics: metrics, process: process, extra: readiness).register(on: router, registry: routes)
        return router
    }

    /// A consumer-group member for `topics`, running `handler` on each batch (see
    /// `ConsumerService` for the commit and retry rules). Sinks nobody waits on pass a
    /// `batchWindow` so that a steady trickle of records arrives in full batches.
    public func consumer(
        group: String, topics: [Topic], maxBatch: Int = 500, batchWindow: Duration = .zero,
        checkpoint: ConsumerService.Checkpoint? = nil, handler: @escaping ConsumerService.Handler
    ) throws -> ConsumerService {
        var configuration = try settings.kafka()
        configuration.clientID = "\(descriptor.executable)-\(group)"
        let consumer = try KafkaConsumer(
            configuration: configuration, groupID: "palisade-\(descriptor.name)-\(group)",
            topics: topics.map(\.name), logger: logger
        )
        return ConsumerService(name: group, consumer: consumer, deadLetters: producer, maxBatch: maxBatch, batchWindow: batchWindow,
                               checkpoint: checkpoint, logger: logger, handler: handler)
    }

    /// A consumer of this process alone, in a group nobody else joins, reading `topics` from
    /// the start: for state a compacted topic holds (every instance needs all of it). It never
    /// commits, so no offsets are left behind.
    public func reader(of topics: [Topic], name: String) throws -> KafkaConsumer {
        var configuration = try settings.kafka()
        configuration.clientID = "\(descriptor.executable)-\(name)"
        configuration.properties["enable.auto.commit"] = "false"
        return try KafkaConsumer(
            configuration: configuration, groupID: "palisade-\(descriptor.name)-\(name)-\(UUID().uuidString.lowercased())",
            topics: topics.map(\.name), logger: logger
        )
    }

    /// Serves HTTP until SIGTERM/SIGINT, then shuts down in reverse order: stop accepting and
    /// drain requests, stop consumers (offsets committed), flush the producer, close the pool.
    public func run(router: Router<PalisadeRequestContext>, services: [any Service] = []) async throws {
        let keyRefresh: [any Service] = settings.jwksURL == nil ? [] : [
            PeriodicService(name: "platform key refresh", interval: jwksRefresh, logger: logger, tick: verifier.refresh),
        ]
        let app = Application(
            router: router,
            configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: descriptor.executable),
            services: [database, producer] + services + keyRefresh,
            logger: logger
        )
        logger.info("starting", metadata: ["port": "\(settings.port)"])
        try await app.runService()
        logger.info("stopped")
    }
}
