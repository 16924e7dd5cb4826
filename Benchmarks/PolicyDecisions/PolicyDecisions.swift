import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOCore
import PalisadeAuth
import PalisadeBenchmarkSupport
import PalisadePolicy

/// Permission decisions on a 50-rule RBAC pack: in-process decisions per second on one core
/// with per-decision latency, `POST /v1/decisions` at a fixed open-loop rate (straight to the
/// policy service and through the gateway), and the same requests decided by Cedar (PyPI
/// `cedarpy`, the policies parsed once) in the same run, checked to agree with ours.
/// Build in release mode; the HTTP part runs against `scripts/up` when `--tenant` is given.
@main
struct PolicyDecisions: AsyncParsableCommand {
    @Option(help: "Seconds of in-process deciding.") var seconds = 3
    @Option(help: "Python with cedarpy installed (python3 -m venv .palisade/cedar && .palisade/cedar/bin/pip install cedarpy==4.12.2); Cedar is skipped without it.")
    var python: String?
    @Option(help: "Tenant id of a running stack (scripts/up prints it); the HTTP part is skipped without it.") var tenant: String?
    @Option(help: "Gateway base URL.") var gateway = "http://127.0.0.1:8080"
    @Option(help: "Policy service base URL (the direct path).") var policy = "http://127.0.0.1:8082"
    @Option(help: "Operator signing key file.") var signingKeyFile = ".palisade/keys/signing.key"
    @Option(help: "Pack signing key file (scripts/up makes one).") var packKeyFile = ".palisade/keys/pack-signing.json"
    @Option(help: "Requests per second for the HTTP part.") var rate = 1000
    @Option(help: "Seconds per HTTP scenario (after a one-second warm-up).") var httpSeconds = 10

    func run() async throws {
        let workload = RBACWorkload()
        let compiled = try CompiledPack(try PackReader.read(workload.yaml))
        print("policy decisions: \(compiled.pack.rules.count) rules, \(compiled.roleNames.count) roles, \(workload.requests.count) distinct requests")
        let decisions = workload.requests.map { compiled.decide($0.input).effect }
        let allowed = decisions.filter { $0 == .allow }.count
        print("  decisions: \(allowed) allow, \(decisions.count - allowed) deny")

        // Two working sets: all the requests in turn, so each decision starts with its input
        // out of cache (about 10 MB of inputs); and a window of them that stays in cache, as
        // a request the service has just decoded is.
        let inputs = workload.requests.map(\.input)
        let (perSecond, latency) = measureInProcess(compiled, inputs)
        print(String(format: "  in-process (1 thread), %d requests in turn: %.0f decisions/s; per decision p50 %.2f µs, p99 %.2f µs, p99.9 %.2f µs",
                     inputs.count, perSecond, latency.p50, latency.p99, latency.p999))
        let window = Array(inputs.prefix(Self.cachedWindow))
        let (cachedPerSecond, cachedLatency) = measureInProcess(compiled, window)
        print(String(format: "  in-process (1 thread), %d requests in cache: %.0f decisions/s; per decision p50 %.2f µs, p99 %.2f µs, p99.9 %.2f µs",
                     window.count, cachedPerSecond, cachedLatency.p50, cachedLatency.p99, cachedLatency.p999))

        if let python {
            try runCedar(python: python, workload: workload, decisions: decisions, ours: perSecond)
        } else {
            print("  cedar: skipped (no --python)")
        }
        if let tenant {
            guard let tenantID = UUID(uuidString: tenant) else { throw ValidationError("--tenant must be a UUID") }
            try await runHTTP(tenantID: tenantID, workload: workload)
        } else {
            print("  http: skipped (no --tenant)")
        }
    }

    struct Latency {
        var p50: Double
        var p99: Double
        var p999: Double
    }

    /// Requests small enough together (about 200 KB) to stay in a core's cache.
    static let cachedWindow = 200

    /// Throughput over `seconds` of back-to-back decisions, then timed passes over the requests.
    func measureInProcess(_ compiled: CompiledPack, _ inputs: [DecisionInput]) -> (Double, Latency) {
        var checksum = 0
        for index in inputs.indices { checksum &+= compiled.decide(inputs[index]).effect == .allow ? 1 : 0 }  // warm-up
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(seconds)
        var count = 0
        let started = clock.now
        while clock.now < deadline {
            for index in inputs.indices { checksum &+= compiled.decide(inputs[index]).effect == .allow ? 1 : 0 }
            count += inputs.count
        }
        let elapsed = (clock.now - started) / .seconds(1)
        var nanoseconds: [Double] = []
        let passes = max(10, 100_000 / inputs.count)
        nanoseconds.reserveCapacity(inputs.count * passes)
        for _ in 0..<passes {
            for index in inputs.indices {
                let before = DispatchTime.now().uptimeNanoseconds
                checksum &+= compiled.decide(inputs[index]).effect == .allow ? 1 : 0
                nanoseconds.append(Double(DispatchTime.now().uptimeNanoseconds - before))
            }
        }
        nanoseconds.sort()
        func at(_ p: Double) -> Double { nanoseconds[min(nanoseconds.count - 1, Int(Double(nanoseconds.count) * p))] / 1000 }
        if checksum == -1 { print("") }  // keeps the decisions from being optimised away
        return (Double(count) / elapsed, Latency(p50: at(0.5), p99: at(0.99), p999: at(0.999)))
    }

    func runCedar(python: String, workload: RBACWorkload, decisions: [PolicyEffect], ours: Double) throws {
        let input = FileManager.default.temporaryDirectory.appendingPathComponent("palisade-cedar-\(UUID().uuidString.prefix(8)).json")
        try workload.peerInput(decisions: decisions).write(to: input)
        defer { try? FileManager.default.removeItem(at: input) }
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Peers/cedar_decisions.py").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [script, input.path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0,
              let report = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw ValidationError("the Cedar peer failed: \(String(decoding: data, as: UTF8.self))")
        }
        let single = report["single_per_second"] as? Double ?? 0
        let batch = report["batch_per_second"] as? Double ?? 0
        print(String(format: "  cedar (cedarpy %@, policies parsed once): %.0f decisions/s one call each, p50 %.1f µs, p99 %.1f µs; %.0f decisions/s in batches of %d",
                     report["version"] as? String ?? "?", single, report["single_p50_us"] as? Double ?? 0, report["single_p99_us"] as? Double ?? 0,
                     batch, report["batch_size"] as? Int ?? 0))
        print(String(format: "  ratio: palisade in-process / cedar one call = %.0f×, / cedar batched = %.0f×", ours / single, ours / batch))
        print("  agreement: \(report["agree"] as? Int ?? 0) of \(report["total"] as? Int ?? 0) requests decided alike")
    }

    func runHTTP(tenantID: UUID, workload: RBACWorkload) async throws {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 64
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        do {
            try await measureHTTP(tenantID: tenantID, workload: workload, client: client)
        } catch {
            try? await client.shutdown()
            throw error
        }
        try await client.shutdown()
    }

    func measureHTTP(tenantID: UUID, workload: RBACWorkload, client: HTTPClient) async throws {
        let operatorKey = try PlatformSigningKey(encoded: String(contentsOfFile: signingKeyFile, encoding: .utf8))
        let claims = PlatformClaims(subject: "bench", tenantID: tenantID, roles: ["admin"], capabilities: Capability.tenantAdministration)
        let platformToken = try await PlatformTokenIssuer(signingKey: operatorKey).mint(claims)
        let admin = GatewayAdmin(client: client, gateway: gateway, token: platformToken)

        // The pack, signed, as a new version each run (the pack id carries the run's time).
        let packKey = try PackSigningKey(json: Data(contentsOf: URL(fileURLWithPath: packKeyFile)))
        var pack = try PackReader.read(workload.yaml)
        pack.id = "bench-rbac-\(Int(Date().timeIntervalSince1970))"
        let signed = SignedPack(pack: pack, signature: try packKey.sign(pack))
        let signedJSON = try JSONSerialization.jsonObject(with: Data(signed.canonicalJSON.bytes)) as? [String: Any] ?? [:]
        try await admin.post("/v1/policy-packs", signedJSON)
        try await admin.post("/v1/policy-packs/\(pack.id)/activate", ["version": pack.version.description], expecting: 200)
        let apiKey = try await admin.createKey(name: "policy decisions benchmark", capabilities: [Capability.decisionsRequest])

        let bodies = try workload.requests.map { request -> ByteBuffer in
            ByteBuffer(data: try JSONSerialization.data(withJSONObject: [
                "subject": ["user": request.input.user, "roles": request.input.roles], "action": request.input.action,
                "resource": request.input.resource, "context": request.context,
            ]))
        }
        print("  http: POST /v1/decisions at \(rate) requests/s for \(httpSeconds) s per path (pack \(pack.id))")
        // The floor: the same service answering a route that does nothing, at the same rate.
        guard let liveness = URL(string: policy + "/healthz") else { throw ValidationError("bad base URL \(policy)") }
        let floor = try await PacedLoad.measure(liveness, rate: rate, seconds: httpSeconds) { _ in PacedLoad.Request.get(liveness, headers: []) }
        print(OpenLoop.line("    GET /healthz on policy (the HTTP floor)", floor, baseline: nil))
        for (name, base, credential) in [("direct to policy (platform token)", policy, platformToken), ("through the gateway (API key)", gateway, apiKey)] {
            guard let url = URL(string: base + "/v1/decisions") else { throw ValidationError("bad base URL \(base)") }
            let requests = bodies.map { body in
                PacedLoad.Request.post(url, headers: [("Authorization", "Bearer \(credential)"), ("Content-Type", "application/json")], body: body)
            }
            let result = try await PacedLoad.measure(url, rate: rate, seconds: httpSeconds) { requests[$0 % requests.count] }
            print(OpenLoop.line("    \(name)", result, baseline: nil))
        }
        try await admin.post("/v1/policy-packs/\(pack.id)/deactivate", [:], expecting: 200)
    }
}
