import Hummingbird
import PalisadeKafka
import PalisadeStore
import Prometheus

/// `/healthz` (the process is alive), `/readyz` (database and Kafka answer), `/metrics`.
struct HealthRoutes: Sendable {
    let database: Database
    let producer: KafkaProducer
    let metrics: PrometheusCollectorRegistry
    let process: ProcessMetrics
    let extra: ReadinessChecks

    struct Readiness: Encodable {
        var status: String
        var checks: [String: String]
    }

    func register(on router: Router<PalisadeRequestContext>, registry: RouteRegistry) {
        router.route(.get, "/healthz", registry: registry) { _, _ in
            try MessageBody.json(["status": "ok"])
        }
        router.route(.get, "/readyz", registry: registry) { _, context in
            let report = await readiness(context: context)
            return try MessageBody.json(report, status: report.status == "ready" ? .ok : .serviceUnavailable)
        }
        router.route(.get, "/metrics", registry: registry) { _, _ in
            process.update()
            var bytes: [UInt8] = []
            metrics.emit(into: &bytes)
            return Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: bytes))
            )
        }
    }

    private func readiness(context: PalisadeRequestContext) async -> Readiness {
        var checks: [String: String] = [:]
        do {
            try await database.checkReachable()
            checks["database"] = "ok"
        } catch {
            checks["database"] = "unreachable"
            context.logger.warning("readiness: database", metadata: ["error": "\(DatabaseFailure(error)?.description ?? String(describing: error))"])
        }
        do {
            try await producer.checkReachable()
            checks["kafka"] = "ok"
        } catch {
            checks["kafka"] = "unreachable"
            context.logger.warning("readiness: kafka", metadata: ["error": "\(error)"])
        }
        for (name, ready) in extra.results { checks[name] = ready ? "ok" : "not ready" }
        return Readiness(status: checks.values.allSatisfy { $0 == "ok" } ? "ready" : "not ready", checks: checks)
    }
}
