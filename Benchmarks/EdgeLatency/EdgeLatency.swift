import ArgumentParser
import AsyncHTTPClient
import Crypto
import Foundation
import Hummingbird
import NIOCore
import PalisadeAuth
import PalisadeBenchmarkSupport

/// The edge's added latency for an authenticated request: the same `GET /v1/events?limit=1`
/// sent straight to ingest (with a platform token) and through the gateway with each kind of
/// credential, each at a fixed open-loop rate, reporting p50/p99 and the difference to direct.
/// Build in release mode; run against `scripts/up` (which prints the tenant).
@main
struct EdgeLatency: AsyncParsableCommand {
    @Option(help: "Gateway base URL.") var gateway = "http://127.0.0.1:8080"
    @Option(help: "Ingest base URL (the direct baseline).") var ingest = "http://127.0.0.1:8081"
    @Option(help: "Tenant id.") var tenant: String
    @Option(help: "Operator signing key file (as written by palisade keys generate).")
    var signingKeyFile = ".palisade/keys/signing.key"
    @Option(help: "Requests per second, per scenario.") var rate = 1000
    @Option(help: "Seconds per scenario (after a one-second warm-up).") var seconds = 10
    @Option(help: "Run only the scenarios whose name contains this text (repeatable); the direct baseline always runs.")
    var only: [String] = []

    struct Scenario {
        var name: String
        var base: String
        /// The credential of request `n`.
        var credential: @Sendable (Int) -> String
    }

    func run() async throws {
        guard let tenantID = UUID(uuidString: tenant) else { throw ValidationError("--tenant must be a UUID") }
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 64
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        do {
            try await runScenarios(tenantID: tenantID, client: client)
        } catch {
            try? await client.shutdown()
            throw error
        }
        try await client.shutdown()
    }

    func runScenarios(tenantID: UUID, client: HTTPClient) async throws {
        let operatorKey = try PlatformSigningKey(encoded: String(contentsOfFile: signingKeyFile, encoding: .utf8))
        let claims = PlatformClaims(subject: "bench", tenantID: tenantID, roles: ["admin"], capabilities: Capability.tenantAdministration)
        let platformToken = try await PlatformTokenIssuer(signingKey: operatorKey).mint(claims)
        let apiKey = try await GatewayAdmin(client: client, gateway: gateway, token: platformToken)
            .createKey(name: "edge latency benchmark", capabilities: [Capability.eventsRead])
        let identityProvider = try await BenchIdentityProvider.start()
        try await identityProvider.register(client: client, gateway: gateway, token: platformToken)
        let sameOIDCToken = try identityProvider.mint(serial: 0)
        let freshOIDCTokens = try (0..<(rate * (seconds + 2))).map { try identityProvider.mint(serial: $0 + 1) }

        let scenarios = [
            Scenario(name: "direct to ingest (platform token)", base: ingest) { _ in platformToken },
            Scenario(name: "gateway, platform token", base: gateway) { _ in platformToken },
            Scenario(name: "gateway, API key", base: gateway) { _ in apiKey },
            Scenario(name: "gateway, OIDC ES256 (token reused)", base: gateway) { _ in sameOIDCToken },
            Scenario(name: "gateway, OIDC ES256 (new token per request, 200 users)", base: gateway) { freshOIDCTokens[$0 % freshOIDCTokens.count] },
        ]
        let chosen = scenarios.enumerated().filter { index, scenario in
            index == 0 || only.isEmpty || only.contains { scenario.name.contains($0) }
        }.map(\.element)
        print("edge latency: GET /v1/events?limit=1 at \(rate) requests/s for \(seconds) s per scenario")
        var baseline: OpenLoop.Result?
        for scenario in chosen {
            let result = try await measure(scenario)
            print(OpenLoop.line(scenario.name, result, baseline: baseline))
            if baseline == nil { baseline = result }
        }
        try await identityProvider.stop()
    }

    func measure(_ scenario: Scenario) async throws -> OpenLoop.Result {
        guard let url = URL(string: scenario.base + "/v1/events?limit=1") else { throw ValidationError("bad base URL \(scenario.base)") }
        return try await PacedLoad.measure(url, rate: rate, seconds: seconds) { index in
            PacedLoad.Request.get(url, headers: [("Authorization", "Bearer \(scenario.credential(index))")])
        }
    }
}

/// A minimal identity provider: one P-256 key, its JWKS served on 127.0.0.1, ES256 tokens.
struct BenchIdentityProvider: Sendable {
    let key: P256.Signing.PrivateKey
    let issuer: String
    let port: Int
    let server: Task<Void, any Error>

    static func start() async throws -> BenchIdentityProvider {
        let key = P256.Signing.PrivateKey()
        let raw = key.publicKey.rawRepresentation
        let jwks = #"{"keys":[{"kty":"EC","crv":"P-256","kid":"bench-ec","use":"sig","alg":"ES256","x":"\#(Base64URL.encode(raw.prefix(32)))","y":"\#(Base64URL.encode(raw.suffix(32)))"}]}"#
        let router = Router()
        router.get("/jwks.json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: jwks)))
        }
        let port = Int.random(in: 20_000...40_000)
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)))
        let server = Task { try await app.runService() }
        let issuer = "https://bench-idp-\(UUID().uuidString.prefix(8).lowercased()).example"
        return BenchIdentityProvider(key: key, issuer: issuer, port: port, server: server)
    }

    func register(client: HTTPClient, gateway: String, token: String) async throws {
        var request = HTTPClientRequest(url: gateway + "/v1/oidc-issuers")
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: #"{"issuer":"\#(issuer)","jwks_uri":"http://127.0.0.1:\#(port)/jwks.json","audiences":["palisade-bench"],"default_roles":["viewer"]}"#))
        let response = try await client.execute(request, timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 1 << 20)
        guard response.status == .created else {
            throw ValidationError("registering the issuer answered \(response.status.code): \(String(buffer: body))")
        }
    }

    /// An ES256 token valid for ten minutes, unlike any other (`jti` is the serial), for one
    /// of `subjects` users: like a fleet of agents that each fetch a new token per call.
    func mint(serial: Int, subjects: Int = 200) throws -> String {
        let now = Int(Date().timeIntervalSince1970)
        let header = Base64URL.encode(Data(#"{"alg":"ES256","kid":"bench-ec","typ":"JWT"}"#.utf8))
        let payload = Base64URL.encode(Data(#"{"iss":"\#(issuer)","aud":"palisade-bench","sub":"bench-\#(serial % subjects)","jti":"\#(serial)","iat":\#(now),"exp":\#(now + 600)}"#.utf8))
        let signature = try key.signature(for: Data("\(header).\(payload)".utf8))
        return "\(header).\(payload).\(Base64URL.encode(signature.rawRepresentation))"
    }

    func stop() async throws {
        server.cancel()
    }
}
