import ArgumentParser
import AsyncHTTPClient
import Foundation
import Hummingbird
import NIOCore
import NIOFoundationCompat
import PalisadeAuth
import PalisadeBenchmarkSupport
import PalisadeGuard

/// What the inline gateway adds to an LLM call, next to LiteLLM's proxy, in one run on one
/// machine against one fake provider (served here, on 127.0.0.1): the same chat completion
/// sent straight to the provider, through Palisade's full pipeline (authentication, rate
/// limit, injection scan of the prompt, route policy, the tenant's key, DLP on the answer,
/// the decision recorded) and through LiteLLM; open-loop at a fixed rate, p50/p99 and the
/// difference to direct. Then the detectors' throughput on one core.
@main
struct GatewayLatency: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "palisade-bench-gateway")

    @Option(help: "Gateway base URL (started with PALISADE_PROXY_UPSTREAM_HOSTS=127.0.0.1).") var gateway = "http://127.0.0.1:8080"
    @Option(help: "Tenant id.") var tenant: String
    @Option(help: "Operator signing key file (as written by palisade keys generate).")
    var signingKeyFile = ".palisade/keys/signing.key"
    @Option(help: "Requests per second, per scenario.") var rate = 1000
    @Option(help: "Seconds per scenario (after a one-second warm-up).") var seconds = 10
    @Option(help: "The `litellm` executable (pip install 'litellm[proxy]'); LiteLLM is skipped without it.")
    var litellm: String?
    @Option(help: "Every scenario is also measured at this rate, which one LiteLLM worker can sustain.") var litellmRate = 50
    @Option(help: "Folder with the detectors' corpus.") var corpus = "corpus/guard"

    func run() async throws {
        guard let tenantID = UUID(uuidString: tenant) else { throw ValidationError("--tenant must be a UUID") }
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 128
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        let provider = try await FakeProvider.start()
        var liteLLM: LiteLLMProxy?
        do {
            if let litellm { liteLLM = try await LiteLLMProxy.start(executable: litellm, provider: provider.port, client: client) }
            try await measure(tenantID: tenantID, client: client, provider: provider, liteLLM: liteLLM)
        } catch {
            liteLLM?.stop()
            try? await client.shutdown()
            throw error
        }
        liteLLM?.stop()
        try await client.shutdown()
    }

    func measure(tenantID: UUID, client: HTTPClient, provider: FakeProvider, liteLLM: LiteLLMProxy?) async throws {
        let operatorKey = try PlatformSigningKey(encoded: String(contentsOfFile: signingKeyFile, encoding: .utf8))
        let claims = PlatformClaims(subject: "bench", tenantID: tenantID, roles: ["admin"], capabilities: Capability.tenantAdministration)
        let admin = GatewayAdmin(client: client, gateway: gateway, token: try await PlatformTokenIssuer(signingKey: operatorKey).mint(claims))
        let routeID = "bench-\(UUID().uuidString.prefix(8).lowercased())"
        try await admin.post("/v1/provider-keys", ["provider": "openai", "name": routeID, "key": "sk-bench-" + String(repeating: "0", count: 32)])
        try await admin.post("/v1/routes", ["route_id": routeID, "provider": "openai", "upstream_base_url": "http://127.0.0.1:\(provider.port)"])
        let apiKey = try await admin.createKey(name: "gateway latency benchmark", capabilities: [Capability.proxyUse])

        let body = ByteBuffer(data: try JSONSerialization.data(withJSONObject: [
            "model": "bench", "messages": [
                ["role": "system", "content": "You are a concise assistant for an online bookshop."],
                ["role": "user", "content": Self.prompt],
            ],
        ]))
        func request(_ address: String, headers: [(String, String)]) throws -> (URL, PacedLoad.Request) {
            guard let url = URL(string: address) else { throw ValidationError("bad URL \(address)") }
            return (url, PacedLoad.Request.post(url, headers: [("Content-Type", "application/json")] + headers, body: body))
        }
        let direct = try request("http://127.0.0.1:\(provider.port)/v1/chat/completions", headers: [("Authorization", "Bearer sk-bench")])
        let palisade = try request(gateway + "/v1/proxy/openai/v1/chat/completions",
                                   headers: [("Authorization", "Bearer \(apiKey)"), ("X-Palisade-Route", routeID)])
        let viaLiteLLM = try liteLLM.map {
            try request("http://127.0.0.1:\($0.port)/v1/chat/completions", headers: [("Authorization", "Bearer \(LiteLLMProxy.masterKey)")])
        }
        func measure(_ target: (URL, PacedLoad.Request), rate: Int) async throws -> OpenLoop.Result {
            try await PacedLoad.measure(target.0, rate: rate, seconds: seconds) { _ in target.1 }
        }
        print("inline gateway latency: POST chat/completions (\(body.readableBytes)-byte request, \(FakeProvider.completion.utf8.count)-character answer)")
        print("same fake provider, same machine, \(seconds) s per scenario")
        // The low rate first: a LiteLLM worker flooded at the high rate stays busy long after.
        for rate in [litellmRate, self.rate] {
            print("at \(rate) requests/s:")
            let baseline = try await measure(direct, rate: rate)
            print(OpenLoop.line("direct to the fake provider", baseline, baseline: nil))
            let before = try await MetricsSnapshot.scrape(gateway, client: client)
            let through = try await measure(palisade, rate: rate)
            let after = try await MetricsSnapshot.scrape(gateway, client: client)
            print(OpenLoop.line("Palisade, full pipeline", through, baseline: baseline))
            print(Self.ownShare(after, since: before))
            if let viaLiteLLM {
                let result = try await measure(viaLiteLLM, rate: rate)
                print(OpenLoop.line("LiteLLM proxy", result, baseline: baseline))
            }
        }
        let (ordinary, mixed) = try DetectorSpeed.corpus(corpus)
        print("detector throughput, one core, 4 KiB texts:")
        for (name, text) in [("ordinary prompts and code", ordinary), ("mixed corpus with attacks and PII", mixed)] {
            let pieces = DetectorSpeed.chunks(text, size: 4096)
            for (label, detectors) in [("all detectors", GuardScanner.Detectors.all), ("injection", .injection), ("dlp", .dataLoss)] {
                let (speed, _) = DetectorSpeed.measure(pieces, detectors: detectors, seconds: 3)
                print("  " + name.padding(toLength: 36, withPad: " ", startingAt: 0) + label.padding(toLength: 16, withPad: " ", startingAt: 0)
                      + String(format: "%8.1f MB/s", speed))
            }
        }
    }

    /// What the gateway measured of the same calls: its own share of each (the pipeline, without
    /// the provider's time or the HTTP hops around it) and the CPU it spent per call.
    static func ownShare(_ after: MetricsSnapshot, since before: MetricsSnapshot) -> String {
        let labels = "provider=\"openai\",streamed=\"false\""
        guard let own = after.histogram("palisade_gateway_overhead_seconds", labels: labels, since: before, quantiles: [0.5, 0.99]) else {
            return "  (the gateway's /metrics counted no calls)"
        }
        func milliseconds(_ seconds: Double) -> String { seconds.isFinite ? String(format: "%.2f ms", seconds * 1000) : "over 60 s" }
        let cpu = after.delta("process_cpu_seconds_total", since: before).map { "; gateway CPU per call " + milliseconds($0 / own.count) } ?? ""
        return "  gateway's own share (its histogram): mean \(milliseconds(own.mean)), p50 ≤ \(milliseconds(own.quantileBounds[0])), "
            + "p99 ≤ \(milliseconds(own.quantileBounds[1]))" + cpu
    }

    static let prompt = """
        I ordered two novels last week (order placed on Tuesday) and only one arrived. The parcel was left at the \
        front desk of my building. Could you explain what usually happens in this case, whether I should wait a few \
        more days, and how a replacement or refund would work? Please keep the answer short and friendly, with the \
        steps as a list.
        """
}

/// The provider every scenario calls: a canned chat completion, on 127.0.0.1.
struct FakeProvider: Sendable {
    let port: Int
    let server: Task<Void, any Error>

    static let completion = """
        Sorry about the missing book! Parcels are sometimes split, so the second one may still be on its way. \
        1. Wait two more working days. 2. If it has not arrived, reply to your order confirmation. 3. We will send a \
        replacement or refund you, whichever you prefer.
        """

    static func start() async throws -> FakeProvider {
        let answer = try JSONSerialization.data(withJSONObject: [
            "id": "chatcmpl-bench", "object": "chat.completion", "created": 1, "model": "bench",
            "choices": [["index": 0, "message": ["role": "assistant", "content": completion], "finish_reason": "stop"]],
            "usage": ["prompt_tokens": 90, "completion_tokens": 60, "total_tokens": 150],
        ])
        let router = Router()
        router.post("/v1/chat/completions") { request, _ in
            _ = try await request.body.collect(upTo: 1 << 20)
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(data: answer)))
        }
        let port = Int.random(in: 40_000...50_000)
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)))
        let server = Task { try await app.runService() }
        // Listening once a request answers.
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            var probe = HTTPClientRequest(url: "http://127.0.0.1:\(port)/v1/chat/completions")
            probe.method = .POST
            if (try? await HTTPClient.shared.execute(probe, timeout: .seconds(1)))?.status == .ok { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        return FakeProvider(port: port, server: server)
    }
}

/// LiteLLM's proxy (PyPI `litellm[proxy]`) as a child process, offline, pointed at the fake provider.
final class LiteLLMProxy: @unchecked Sendable {
    // @unchecked Sendable: `process` is started in `start` and only terminated afterwards.
    static let masterKey = "sk-litellm-bench"
    let port: Int
    private let process: Process
    private let folder: URL

    private init(port: Int, process: Process, folder: URL) {
        self.port = port
        self.process = process
        self.folder = folder
    }

    static func start(executable: String, provider: Int, client: HTTPClient) async throws -> LiteLLMProxy {
        let port = Int.random(in: 50_001...60_000)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("palisade-litellm-\(port)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let config = folder.appendingPathComponent("config.yaml")
        try """
            model_list:
              - model_name: bench
                litellm_params:
                  model: openai/bench
                  api_base: http://127.0.0.1:\(provider)/v1
                  api_key: sk-bench
            general_settings:
              master_key: \(masterKey)
            litellm_settings:
              telemetry: false
            """.write(to: config, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["--config", config.path, "--port", "\(port)", "--host", "127.0.0.1", "--num_workers", "1"]
        var environment = ProcessInfo.processInfo.environment
        environment["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"
        environment["LITELLM_LOG"] = "ERROR"
        process.environment = environment
        process.currentDirectoryURL = folder
        let log = FileHandle(forWritingAtPath: "/dev/null")
        process.standardOutput = log
        process.standardError = log
        try process.run()
        let proxy = LiteLLMProxy(port: port, process: process, folder: folder)
        let deadline = ContinuousClock.now + .seconds(120)
        while ContinuousClock.now < deadline {
            guard process.isRunning else { throw ValidationError("litellm exited with \(process.terminationStatus)") }
            if (try? await client.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)/health/liveliness"), timeout: .seconds(2)))?.status == .ok {
                return proxy
            }
            try await Task.sleep(for: .milliseconds(250))
        }
        proxy.stop()
        throw ValidationError("litellm did not start within two minutes")
    }

    /// Stops the child so no LiteLLM outlives the benchmark: SIGTERM, then SIGKILL when it lingers
    /// (uvicorn drains open connections first); its config folder goes too.
    func stop() {
        if process.isRunning {
            process.terminate()
            let deadline = Date().addingTimeInterval(10)
            while process.isRunning && Date() < deadline { usleep(100_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: folder)
    }
}
