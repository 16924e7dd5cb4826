import Logging
import Metrics
import Prometheus
import Synchronization

/// Process-wide logging and metrics, bootstrapped once per process.
public enum Observability {
    private static let registryStore = Mutex<PrometheusCollectorRegistry?>(nil)
    private static let processStore = Mutex<ProcessMetrics?>(nil)

    /// The figures of this process in the registry (one set per process, as the registry is).
    static func processMetrics(in registry: PrometheusCollectorRegistry) -> ProcessMetrics {
        processStore.withLock { stored in
            if let stored { return stored }
            let made = ProcessMetrics(registry: registry)
            stored = made
            return made
        }
    }

    /// Histogram buckets of every timer, from 50 µs: the library's start at 5 ms, and most of
    /// what these services time (a request at the edge, the gateway's own share of a call)
    /// would fall in its first bucket.
    static let durationBuckets: [Duration] = [
        .microseconds(50), .microseconds(100), .microseconds(250), .microseconds(500),
        .milliseconds(1), .microseconds(2500), .milliseconds(5), .milliseconds(10), .milliseconds(25),
        .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
        .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10), .seconds(30), .seconds(60),
    ]

    /// JSON logs (`PALISADE_LOG_FORMAT=text` for plain lines) and a Prometheus registry.
    public static func bootstrap(service: String, level: Logger.Level, format: String) -> PrometheusCollectorRegistry {
        registryStore.withLock { stored in
            if let stored { return stored }
            LoggingSystem.bootstrap { label in
                if format == "text" {
                    var handler = StreamLogHandler.standardOutput(label: label)
                    handler.logLevel = level
                    return handler
                }
                return JSONLogHandler(label: label, service: service, level: level)
            }
            let registry = PrometheusCollectorRegistry()
            var factory = PrometheusMetricsFactory(registry: registry)
            factory.defaultDurationHistogramBuckets = durationBuckets
            MetricsSystem.bootstrap(factory)
            stored = registry
            return registry
        }
    }
}
