import Foundation
import PalisadeAuth
import Testing

/// Tenant A owns one of everything; tenant B's administrator then calls every route of the
/// served OpenAPI document (so a new route is covered without editing this suite) with each
/// of A's ids. Every answer is 404, or B's own (empty) data: never anything of A's.
@Suite(.serialized) final class CrossTenantTests {
    @Test func anotherTenantsIdsAreNeverServed() async throws {
        let environment = try TestEnvironment.load()
        let stack = try await ServiceStack(["ingest", "policy", "watcher", "incidents", "alerts", "siem"], environment: environment,
                                           extra: ServiceStack.shortDeliveryBudget)
        let tenantA = UUID()
        let ownerA = APIClient(base: stack.gatewayURL, credential: try await environment.token(tenant: tenantA))
        let adminB = APIClient(base: stack.gatewayURL, credential: try await environment.token(tenant: UUID()))

        // One of everything for A; `owned` maps each id to the route that reads it back.
        var ids: [String] = [tenantA.uuidString.lowercased()]
        func created(_ path: String, _ body: [String: Any], id: String) async throws -> String {
            let answer = try await ownerA.post(path, json: body)
            guard answer.status == 201, let value = answer.json[id] as? String else {
                throw TestSetupError("A's POST \(path) answered \(answer.status): \(answer.text)")
            }
            ids.append(value)
            return value
        }
        let keyID = try await created("/v1/api-keys", ["name": "a-key", "capabilities": [Capability.eventsRead]], id: "key_id")
        _ = try await created("/v1/users", ["subject": "a-user@example.com", "roles": ["viewer"]], id: "user_id")
        let roleName = try await created("/v1/roles", ["name": "a-only-role", "capabilities": [Capability.eventsRead]], id: "name")
        _ = try await created("/v1/oidc-issuers", ["issuer": "https://a-\(keyID).example", "jwks_uri": "http://127.0.0.1:1/jwks.json",
                                                   "audiences": ["a"]], id: "issuer_id")
        _ = try await created("/v1/policy-rules", ["name": "a-rule", "field": "latency_ms", "operator": "gt", "value": 1,
                                                   "severity": "high"], id: "rule_id")
        _ = try await created("/v1/alert-channels", ["name": "a-channel", "url": "http://127.0.0.1:1/hook"], id: "channel_id")
        _ = try await created("/v1/watchers", ["name": "a-watcher", "url": "http://127.0.0.1:1/doc", "provider": "a-provider",
                                               "classification": "other", "severity": "low", "interval_seconds": 86400], id: "watcher_id")
        _ = try await created("/v1/siem/destinations", ["name": "a-siem", "type": "splunk_hec", "url": "http://127.0.0.1:1/hec",
                                                        "token": "a-token-1234"], id: "destination_id")
        _ = try await created("/v1/provider-keys", ["provider": "openai", "name": "a-openai", "key": "sk-a-only-provider-key-1234"],
                              id: "key_id")
        _ = try await created("/v1/routes", ["route_id": "a-route", "provider": "openai", "upstream_base_url": "https://api.openai.com"],
                              id: "route_id")
        #expect(try await ownerA.post("/v1/events", json: [runtimeEvent("a-event-1")]).status == 202)
        ids.append("a-event-1")

        let document = try await HTTP.send(.GET, stack.gatewayURL + "/openapi.json")
        let paths = try #require(document.json["paths"] as? [String: [String: Any]])
        var calls = 0
        for (path, item) in paths.sorted(by: { $0.key < $1.key }) where path.hasPrefix("/v1/") {
            let parameterised = path.contains("{")
            let candidates = path.contains("{name}") ? [roleName] : parameterised ? ids : [""]
            for method in ["get", "post", "put", "patch", "delete"] where item[method] != nil {
                for candidate in candidates {
                    let concrete = path.replacingOccurrences(of: "{id}", with: candidate).replacingOccurrences(of: "{name}", with: candidate)
                    let answer = try await HTTP.send(.init(rawValue: method.uppercased()), stack.gatewayURL + concrete, token: adminB.credential,
                                                     contentType: "application/json", body: Data("{}".utf8))
                    calls += 1
                    // The id B sent may come back in the problem (`instance`); any other of A's may not.
                    let leaked = ids.dropFirst().filter { $0 != candidate && answer.text.contains($0) }
                    #expect(leaked.isEmpty, "\(method) \(concrete) as B showed A's \(leaked): \(answer.text.prefix(300))")
                    if parameterised {
                        // Operator-only routes refuse B's tenant administrator before looking.
                        let allowed: Set<Int> = path.hasPrefix("/v1/tenants/") && method == "patch" ? [403] : [404]
                        #expect(allowed.contains(answer.status), "\(method) \(concrete) as B: \(answer.status) \(answer.text.prefix(200))")
                    }
                }
            }
        }
        #expect(calls > 60)

        // A's resources are all still there.
        #expect(try await ownerA.get("/v1/api-keys/\(keyID)").json["revoked_at"] == nil)
        #expect(try await ownerA.get("/v1/roles").text.contains(roleName))
        for (path, field) in [("/v1/users", "users"), ("/v1/oidc-issuers", "oidc_issuers"), ("/v1/policy-rules", "rules"),
                              ("/v1/alert-channels", "channels"), ("/v1/watchers", "watchers"), ("/v1/siem/destinations", "destinations"),
                              ("/v1/provider-keys", "provider_keys"), ("/v1/routes", "routes")] {
            #expect((try await ownerA.get(path).json[field] as? [Any])?.count == 1, "\(path)")
        }
        try await ownerA.removeDeliveryTargets()
        try await stack.stop()
    }
}
