import Foundation
import PalisadeAuth
import Testing

/// The served document matches the routes: the gateway refuses to start otherwise, and every
/// documented /v1 operation reaches a handler that checks its capability (a credential with none
/// gets 403 from the service that owns the route, never 404).
@Suite(.serialized) final class APIDocumentTests {
    @Test func everyDocumentedOperationIsServed() async throws {
        let environment = try TestEnvironment.load()
        let stack = try await ServiceStack(["ingest", "policy", "watcher", "incidents", "alerts", "siem"], environment: environment)
        let served = try await HTTP.send(.GET, stack.gatewayURL + "/openapi.json")
        #expect(served.status == 200)
        #expect(served.json["openapi"] as? String == "3.1.0")
        let paths = try #require(served.json["paths"] as? [String: [String: Any]])

        let tenant = UUID()
        let powerless = try await environment.token(tenant: tenant, capabilities: [])
        var checked = 0
        for (path, item) in paths.sorted(by: { $0.key < $1.key }) where path.hasPrefix("/v1/") {
            for method in ["get", "post", "put", "patch", "delete"] where item[method] != nil {
                let concrete = path.replacingOccurrences(of: "{id}", with: UUID().uuidString.lowercased())
                    .replacingOccurrences(of: "{name}", with: "some-role")
                let url = stack.gatewayURL + concrete
                let anonymous = try await HTTP.send(.init(rawValue: method.uppercased()), url)
                #expect(anonymous.status == 401, "\(method) \(path) without a credential: \(anonymous.status)")
                let answer = try await HTTP.send(.init(rawValue: method.uppercased()), url, token: powerless,
                                                 contentType: "application/json", body: Data("{}".utf8))
                let expected: Set<Int> = switch (method, path) {
                case ("post", "/v1/auth/token"): [200]
                case ("get", "/v1/tenants/{id}"): [404]
                default: [403]
                }
                #expect(expected.contains(answer.status), "\(method) \(path) with no capabilities: \(answer.status) \(answer.text.prefix(200))")
                #expect(answer.headers["x-request-id"]?.isEmpty == false)
                checked += 1
            }
        }
        #expect(checked > 35)
        try await stack.stop()
    }
}
