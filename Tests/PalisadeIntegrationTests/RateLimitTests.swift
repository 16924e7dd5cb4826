import Foundation
import Testing

/// The gateway's per-tenant allowance: 429 RFC 7807 with Retry-After once it is spent.
@Suite(.serialized) final class RateLimitTests {
    @Test func aTenantPastItsAllowanceGets429WithRetryAfter() async throws {
        let environment = try TestEnvironment.load()
        let stack = try await ServiceStack(["ingest"], environment: environment, extra: ["PALISADE_RATE_LIMIT_PER_MINUTE": "5"])
        let busy = try await environment.token(tenant: UUID())
        let quiet = try await environment.token(tenant: UUID())
        for _ in 0..<5 {
            #expect(try await HTTP.send(.GET, stack.gatewayURL + "/v1/events", token: busy).status == 200)
        }
        let refused = try await HTTP.send(.GET, stack.gatewayURL + "/v1/events", token: busy)
        #expect(refused.status == 429)
        #expect(refused.headers["content-type"] == "application/problem+json")
        #expect(Int(refused.headers["retry-after"] ?? "") ?? 0 >= 1)
        #expect(refused.json["request_id"] as? String == refused.headers["x-request-id"])
        #expect(try await HTTP.send(.GET, stack.gatewayURL + "/v1/events", token: quiet).status == 200)
        #expect(try await HTTP.send(.GET, stack.gatewayURL + "/healthz").status == 200)
        try await stack.stop()
    }
}
