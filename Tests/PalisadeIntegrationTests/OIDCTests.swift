import Foundation
import PalisadeAuth
import Testing

/// OIDC bearer tokens minted by PyJWT (an independent JOSE implementation) in a stand-in
/// identity provider that serves its JWKS on 127.0.0.1.
@Suite(.serialized) final class OIDCTests {
    let environment: TestEnvironment
    let stack: ServiceStack
    let provider: StandInServer
    let tenant = UUID()
    let issuer = "https://idp-\(UUID().uuidString.prefix(8).lowercased()).example"
    let admin: APIClient

    init() async throws {
        environment = try TestEnvironment.load()
        stack = try await ServiceStack(["ingest"], environment: environment)
        provider = try await StandInServer(script: "oidc_provider.py", arguments: [], environment: environment)
        admin = APIClient(base: stack.gatewayURL, credential: try await environment.token(tenant: tenant))
        let registered = try await admin.post("/v1/oidc-issuers", json: [
            "issuer": issuer, "jwks_uri": "http://127.0.0.1:\(provider.port)/jwks.json", "audiences": ["palisade-api"],
            "role_mapping": ["readers": "viewer", "writers": "operator"], "clock_skew_seconds": 30,
        ])
        guard registered.status == 201 else { throw TestSetupError("registering the issuer answered \(registered.status): \(registered.text)") }
    }

    func claims(subject: String = "alice", roles: [String] = ["readers"], change: (inout [String: Any]) -> Void = { _ in }) -> [String: Any] {
        let now = Int(Date().timeIntervalSince1970)
        var claims: [String: Any] = ["iss": issuer, "aud": "palisade-api", "sub": subject, "iat": now, "nbf": now - 5,
                                     "exp": now + 300, "roles": roles]
        change(&claims)
        return claims
    }

    /// A token from the stand-in provider (see Tests/Support/oidc_provider.py for the options).
    func mint(_ claims: [String: Any], key: String = "rsa", alg: String = "RS256", kid: String? = "rsa-1",
              tamper: Bool = false, from port: Int? = nil) async throws -> String {
        var request: [String: Any] = ["claims": claims, "key": key, "alg": alg, "tamper": tamper]
        request["kid"] = kid ?? NSNull()
        let answer = try await HTTP.send(.POST, "http://127.0.0.1:\(port ?? provider.port)/mint", contentType: "application/json",
                                         body: try JSONSerialization.data(withJSONObject: request))
        return try #require(answer.json["token"] as? String)
    }

    func events(_ token: String) async throws -> HTTP.Answer {
        try await APIClient(base: stack.gatewayURL, credential: token).get("/v1/events")
    }

    func finish() async throws {
        provider.stop()
        try await stack.stop()
    }

    @Test func validRS256AndES256TokensAreAccepted() async throws {
        let rsa = try await events(try await mint(claims()))
        #expect(rsa.status == 200, "\(rsa.text)")
        let ec = try await events(try await mint(claims(), key: "ec", alg: "ES256", kid: "ec-1"))
        #expect(ec.status == 200, "\(ec.text)")
        // Mapped roles decide: readers may read events but not write them.
        let reader = APIClient(base: stack.gatewayURL, credential: try await mint(claims()))
        let write = try await reader.post("/v1/events", json: [runtimeEvent("evt-oidc")])
        #expect(write.status == 403)
        #expect(write.json["missing_capability"] as? [String] == [Capability.eventsWrite])
        let writer = APIClient(base: stack.gatewayURL, credential: try await mint(claims(subject: "wanda", roles: ["writers"])))
        #expect(try await writer.post("/v1/events", json: [runtimeEvent("evt-oidc")]).status == 202)
        // The exchange shows what the gateway made of the token.
        let exchanged = try await reader.post("/v1/auth/token", json: [:])
        #expect(exchanged.json["tenant_id"] as? String == tenant.uuidString.lowercased())
        #expect(Set(exchanged.json["capabilities"] as? [String] ?? []) == Set(BuiltInRoles.capabilities["viewer"] ?? []))
        try await finish()
    }

    @Test func badTokensAre401Problems() async throws {
        let now = Int(Date().timeIntervalSince1970)
        let cases: [(String, String)] = [
            ("expired", try await mint(claims { $0["exp"] = now - 600; $0["iat"] = now - 900 })),
            ("not yet valid", try await mint(claims { $0["nbf"] = now + 600 })),
            ("wrong issuer", try await mint(claims { $0["iss"] = "https://elsewhere.example" })),
            ("wrong audience", try await mint(claims { $0["aud"] = "someone-else" })),
            ("no exp", try await mint(claims { $0["exp"] = nil })),
            ("unknown kid", try await mint(claims(), key: "stranger", kid: "rsa-9")),
            ("known kid, wrong key", try await mint(claims(), key: "stranger", kid: "rsa-1")),
            ("tampered payload", try await mint(claims(), tamper: true)),
            ("alg none", try await mint(claims(), alg: "none")),
            ("HS256 keyed with the public key", try await mint(claims(), alg: "HS256-public")),
            ("no kid, several keys", try await mint(claims(), kid: nil)),
            ("ES256 header on the RSA key's kid", try await mint(claims(), key: "ec", alg: "ES256", kid: "rsa-1")),
        ]
        for (what, token) in cases {
            let answer = try await events(token)
            #expect(answer.status == 401, "\(what): \(answer.status) \(answer.text)")
            #expect(answer.headers["content-type"] == "application/problem+json", "\(what)")
            #expect(answer.json["type"] as? String == "https://palisade.dev/problems/unauthorized", "\(what)")
        }
        try await finish()
    }

    @Test func userRecordsAddRolesAndCanBeDisabled() async throws {
        let carol = try await admin.post("/v1/users", json: ["subject": "carol", "display_name": "Carol", "roles": ["operator"]])
        #expect(carol.status == 201, "\(carol.text)")
        let token = try await mint(claims(subject: "carol", roles: []))
        let client = APIClient(base: stack.gatewayURL, credential: token)
        #expect(try await client.post("/v1/events", json: [runtimeEvent("evt-carol")]).status == 202)
        let userID = try #require(carol.json["user_id"] as? String)
        let disabled = try await admin.patch("/v1/users/\(userID)", json: ["disabled": true])
        #expect(disabled.json["disabled"] as? Bool == true)
        // Both the token already seen and a fresh one: the gateway that changed the user
        // forgets what it had cached for the tenant.
        #expect(try await events(token).status == 401)
        let later = try await mint(claims(subject: "carol", roles: []) { $0["jti"] = UUID().uuidString })
        #expect(try await events(later).status == 401)
        #expect(try await admin.post("/v1/users", json: ["subject": "carol"]).status == 409)
        try await finish()
    }

    @Test func grantsNeverExceedTheGranter() async throws {
        let (_, identityOnly) = try await admin.createKey(capabilities: [Capability.identityAdmin, Capability.eventsRead])
        let limited = APIClient(base: stack.gatewayURL, credential: identityOnly)
        let user = try await limited.post("/v1/users", json: ["subject": "mallory", "roles": ["admin"]])
        #expect(user.status == 422, "\(user.text)")
        let role = try await limited.post("/v1/roles", json: ["name": "sneaky", "capabilities": [Capability.keysAdmin]])
        #expect(role.status == 422)
        let mapping = try await limited.post("/v1/oidc-issuers", json: [
            "issuer": "https://other.example", "jwks_uri": "http://127.0.0.1:1/jwks.json", "audiences": ["a"],
            "role_mapping": ["x": "admin"],
        ])
        #expect(mapping.status == 422)
        let reader = try await limited.post("/v1/roles", json: ["name": "reader", "capabilities": [Capability.eventsRead]])
        #expect(reader.status == 201, "\(reader.text)")
        #expect(try await limited.post("/v1/users", json: ["subject": "rita", "roles": ["reader", "viewer"]]).status == 422,
                "viewer carries incidents:read and audit:read, which the key lacks")
        #expect(try await limited.post("/v1/users", json: ["subject": "rita", "roles": ["reader"]]).status == 201)
        #expect(try await admin.delete("/v1/roles/admin").status == 409)
        try await finish()
    }

    @Test func issuersBelongToOneTenantAndSingleKeySetsNeedNoKid() async throws {
        let stranger = APIClient(base: stack.gatewayURL, credential: try await environment.token(tenant: UUID()))
        let taken = try await stranger.post("/v1/oidc-issuers", json: [
            "issuer": issuer, "jwks_uri": "http://127.0.0.1:\(provider.port)/jwks.json", "audiences": ["palisade-api"],
        ])
        #expect(taken.status == 409)
        let listed = try await admin.get("/v1/oidc-issuers")
        let issuerID = try #require((listed.json["oidc_issuers"] as? [[String: Any]])?.first?["issuer_id"] as? String)
        #expect(try await stranger.get("/v1/oidc-issuers/\(issuerID)").status == 404)
        #expect(try await stranger.delete("/v1/oidc-issuers/\(issuerID)").status == 404)

        let single = try await StandInServer(script: "oidc_provider.py", arguments: ["--single-key"], environment: environment)
        let otherIssuer = issuer + "/single"
        let registered = try await stranger.post("/v1/oidc-issuers", json: [
            "issuer": otherIssuer, "jwks_uri": "http://127.0.0.1:\(single.port)/jwks.json", "audiences": ["palisade-api"],
            "default_roles": ["viewer"],
        ])
        #expect(registered.status == 201, "\(registered.text)")
        let token = try await mint(claims { $0["iss"] = otherIssuer }, kid: nil, from: single.port)
        #expect(try await events(token).status == 200)
        single.stop()
        try await finish()
    }
}
