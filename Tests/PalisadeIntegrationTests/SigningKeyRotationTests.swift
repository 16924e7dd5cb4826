import Foundation
import PalisadeAuth
import Testing

/// Platform signing keys rotate every three seconds while requests stream through the gateway:
/// none fails, and ingest (which verifies with the gateway's JWKS, refreshed on an unknown kid)
/// accepts tokens signed by every new key without a restart.
@Suite(.serialized) final class SigningKeyRotationTests {
    @Test func rotationDuringAStreamOfRequestsFailsNone() async throws {
        let environment = try TestEnvironment.load()
        let stack = try await ServiceStack(["ingest"], environment: environment, extra: [
            "PALISADE_SIGNING_KEY_ROTATION_SECONDS": "3",
            "PALISADE_SIGNING_KEY_PUBLISH_AHEAD_SECONDS": "1",
        ])
        let admin = APIClient(base: stack.gatewayURL, credential: try await environment.token(tenant: UUID()))
        let (_, key) = try await admin.createKey(capabilities: [Capability.eventsRead, Capability.eventsWrite])
        let client = APIClient(base: stack.gatewayURL, credential: key)
        let ingest = try #require(stack["ingest"]).baseURL

        var kids: [String] = []
        var requests = 0
        var failures: [String] = []
        try await poll(timeout: .seconds(90), what: "four signing keys to take turns") {
            let viaGateway = try await client.get("/v1/events?limit=1")
            let exchanged = try await client.post("/v1/auth/token", json: [:])
            let token = exchanged.json["access_token"] as? String ?? ""
            let direct = try await HTTP.send(.GET, ingest + "/v1/events?limit=1", token: token)
            requests += 3
            for (what, answer) in [("gateway", viaGateway), ("exchange", exchanged), ("ingest", direct)] where answer.status != 200 {
                failures.append("\(what): \(answer.status) \(answer.text.prefix(200))")
            }
            if let kid = Self.keyID(of: token), kids.last != kid { kids.append(kid) }
            return kids.count >= 4
        }
        #expect(failures.isEmpty, "\(failures.count) of \(requests) requests failed: \(failures.prefix(5))")
        #expect(Set(kids).count == kids.count, "a retired key came back: \(kids)")

        let published = try await HTTP.send(.GET, stack.gatewayURL + "/.well-known/jwks.json")
        #expect(published.status == 200)
        let jwks = try JSONDecoder().decode(JSONWebKeySet.self, from: published.body)
        #expect(Set(kids).isSubset(of: Set(jwks.keys.compactMap(\.kid))))
        #expect(jwks.keys.allSatisfy { $0.kty == "OKP" && $0.crv == "Ed25519" && $0.alg == "EdDSA" && $0.x != nil })
        try await stack.stop()
    }

    static func keyID(of token: String) -> String? {
        guard let header = token.split(separator: ".").first, let data = Base64URL.decode(String(header)),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
        return object["kid"] as? String
    }
}
