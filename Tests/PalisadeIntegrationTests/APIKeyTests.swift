import Foundation
import PalisadeAuth
import Testing

/// API keys at the edge: created by a tenant administrator, exchanged by the gateway for a
/// platform token the services accept, scoped, revocable, expiring, audited.
@Suite(.serialized) final class APIKeyTests {
    let environment: TestEnvironment
    let stack: ServiceStack

    init() async throws {
        environment = try TestEnvironment.load()
        stack = try await ServiceStack(["ingest", "incidents"], environment: environment,
                                       extra: ["PALISADE_KEY_USAGE_FLUSH_SECONDS": "1"])
    }

    func administrator(of tenant: UUID) async throws -> APIClient {
        APIClient(base: stack.gatewayURL, credential: try await environment.token(tenant: tenant))
    }

    @Test func keyIsExchangedScopedAndRevoked() async throws {
        let tenant = UUID()
        let admin = try await administrator(of: tenant)
        let (keyID, key) = try await admin.createKey(capabilities: [Capability.eventsWrite, Capability.eventsRead])
        #expect(key.hasPrefix("pal_\(keyID)_"))
        let client = APIClient(base: stack.gatewayURL, credential: key)

        // The services behind the gateway accept only platform tokens: a 202 proves the exchange.
        let posted = try await client.post("/v1/events", json: [runtimeEvent("evt-key-1")])
        #expect(posted.status == 202, "\(posted.text)")
        #expect(try await client.get("/v1/events").status == 200)

        let forbidden = try await client.get("/v1/api-keys")
        #expect(forbidden.status == 403)
        #expect(forbidden.headers["content-type"] == "application/problem+json")
        #expect(forbidden.json["missing_capability"] as? [String] == [Capability.keysAdmin])

        let listed = try await admin.get("/v1/api-keys")
        let keys = listed.json["api_keys"] as? [[String: Any]] ?? []
        #expect(keys.map { $0["key_id"] as? String } == [keyID])
        #expect(keys.first?["key"] == nil, "the key text is shown only once")
        #expect(!listed.text.contains(key))

        #expect(try await admin.delete("/v1/api-keys/\(keyID)").status == 204)
        #expect(try await admin.delete("/v1/api-keys/\(keyID)").status == 204, "revoking twice is harmless")
        let refused = try await client.get("/v1/events")
        #expect(refused.status == 401)
        #expect(refused.json["detail"] as? String == "invalid token: API key revoked")
        let revoked = try await admin.get("/v1/api-keys/\(keyID)")
        #expect(revoked.json["revoked_at"] is String)
        try await stack.stop()
    }

    @Test func keyCannotWidenItsCreatorsScope() async throws {
        let admin = try await administrator(of: UUID())
        let (_, keyAdmin) = try await admin.createKey(capabilities: [Capability.keysAdmin, Capability.eventsRead])
        let limited = APIClient(base: stack.gatewayURL, credential: keyAdmin)
        let widened = try await limited.post("/v1/api-keys", json: ["name": "wider", "capabilities": [Capability.eventsWrite]])
        #expect(widened.status == 422, "\(widened.text)")
        #expect(widened.text.contains("events:write"))
        let unknown = try await admin.post("/v1/api-keys", json: ["name": "odd", "capabilities": ["root"]])
        #expect(unknown.status == 422)
        // Without a list the new key gets exactly the creator's capabilities.
        let narrower = try await limited.createKey()
        let shown = try await admin.get("/v1/api-keys/\(narrower.id)")
        #expect(Set(shown.json["capabilities"] as? [String] ?? []) == [Capability.keysAdmin, Capability.eventsRead])
        try await stack.stop()
    }

    @Test func wrongExpiredAndMalformedKeysAre401() async throws {
        let admin = try await administrator(of: UUID())
        let (keyID, key) = try await admin.createKey(capabilities: [Capability.eventsRead])
        var tampered = key
        tampered.removeLast()
        tampered.append(key.last == "A" ? "B" : "A")
        for credential in [tampered, "pal_\(keyID)_", "pal_nothex_secretsecretsecretsecretsecretsecret", "pal_" + String(repeating: "0", count: 24) + "_" + String(repeating: "x", count: 43)] {
            let answer = try await APIClient(base: stack.gatewayURL, credential: credential).get("/v1/events")
            #expect(answer.status == 401, "\(credential.prefix(12))… answered \(answer.status)")
            #expect(answer.headers["www-authenticate"]?.hasPrefix("Bearer") == true)
            #expect(!answer.text.contains(credential))
        }

        let expiring = try await admin.createKey(capabilities: [Capability.eventsRead], expiresAt: Date().addingTimeInterval(2))
        let client = APIClient(base: stack.gatewayURL, credential: expiring.key)
        #expect(try await client.get("/v1/events").status == 200)
        try await poll(timeout: .seconds(30), what: "the key to expire") {
            try await client.get("/v1/events").status == 401
        }
        let past = try await admin.post("/v1/api-keys", json: ["name": "past", "expires_at": "2001-01-01T00:00:00Z"])
        #expect(past.status == 422)
        try await stack.stop()
    }

    @Test func anotherTenantsKeyIsNotFound() async throws {
        let owner = try await administrator(of: UUID())
        let stranger = try await administrator(of: UUID())
        let (keyID, key) = try await owner.createKey(capabilities: [Capability.eventsRead])
        #expect(try await stranger.get("/v1/api-keys/\(keyID)").status == 404)
        #expect(try await stranger.delete("/v1/api-keys/\(keyID)").status == 404)
        #expect(try await stranger.get("/v1/api-keys").json["api_keys"] as? [Any] != nil)
        #expect(try await stranger.get("/v1/api-keys").text.contains(keyID) == false)
        #expect(try await APIClient(base: stack.gatewayURL, credential: key).get("/v1/events").status == 200)
        try await stack.stop()
    }

    @Test func creationUseAndRevocationReachTheLedger() async throws {
        let admin = try await administrator(of: UUID())
        let (keyID, key) = try await admin.createKey(capabilities: [Capability.eventsRead])
        #expect(try await APIClient(base: stack.gatewayURL, credential: key).get("/v1/events").status == 200)
        try await poll(timeout: .seconds(30), what: "last_used_at") {
            try await admin.get("/v1/api-keys/\(keyID)").json["last_used_at"] is String
        }
        #expect(try await admin.delete("/v1/api-keys/\(keyID)").status == 204)
        var kinds: [String] = []
        try await poll(timeout: .seconds(60), what: "identity audit entries in the ledger") {
            let records = try await admin.get("/v1/audit?limit=100").json["records"] as? [[String: Any]] ?? []
            kinds = records.compactMap { $0["kind"] as? String }
            return Set(kinds).isSuperset(of: ["api_key.created", "api_key.used", "api_key.revoked"])
        }
        let verdict = try await admin.get("/v1/audit/verify")
        #expect(verdict.json["ok"] as? Bool == true)
        try await stack.stop()
    }
}
