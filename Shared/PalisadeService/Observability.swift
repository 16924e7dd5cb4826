import Logging
import Metrics
import Prometheus
import Synchronization

/// Process-wide logging and metrics, bootstrapped once per process.
public enum Observability {
    private static let registryStore = Mutex<PrometheusCollectorRegistry?>(nil)

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
            MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
            stored = registry
            return registry
        }
    }
}
