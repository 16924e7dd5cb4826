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

/// Allowances set per tenant by the platform operator: overall and per route.
@Suite(.serialized) final class TenantRateLimitTests {
    @Test func operatorSetsATenantsAllowancesOverallAndPerRoute() async throws {
        let environment = try TestEnvironment.load()
        let stack = try await ServiceStack(["ingest"], environment: environment)
        let operatorClient = APIClient(base: stack.gatewayURL, credential: try await environment.token(
            tenant: UUID(uuidString: "00000000-0000-0000-0000-000000000000") ?? UUID(), capabilities: ["tenants:admin"]
        ))
        let created = try await operatorClient.post("/v1/tenants", json: ["name": "limited"])
        let tenantText = try #require(created.json["tenant_id"] as? String)
        let tenant = try #require(UUID(uuidString: tenantText))
        let admin = APIClient(base: stack.gatewayURL, credential: try await environment.token(tenant: tenant))

        let refusedRoute = try await operatorClient.patch("/v1/tenants/\(tenantText)", json: ["route_requests_per_minute": ["GET /v1/nowhere": 5]])
        #expect(refusedRoute.status == 422)
        #expect(try await admin.patch("/v1/tenants/\(tenantText)", json: ["requests_per_minute": 1_000_000]).status == 403,
                "a tenant cannot raise its own allowance")
        let changed = try await operatorClient.patch("/v1/tenants/\(tenantText)", json: [
            "requests_per_minute": 6, "route_requests_per_minute": ["GET /v1/events": 2],
        ])
        #expect(changed.status == 200, "\(changed.text)")
        #expect(changed.json["requests_per_minute"] as? Int == 6)

        // Within a minute: two event listings, then that route is spent while others still answer.
        #expect(try await admin.get("/v1/events").status == 200)
        #expect(try await admin.get("/v1/events").status == 200)
        let routeSpent = try await admin.get("/v1/events")
        #expect(routeSpent.status == 429)
        #expect((routeSpent.json["detail"] as? String)?.contains("GET /v1/events") == true)
        #expect(Int(routeSpent.headers["retry-after"] ?? "") ?? 0 >= 1)
        let own = try await admin.get("/v1/tenants/\(tenantText)")
        #expect(own.status == 200)
        #expect((own.json["route_requests_per_minute"] as? [String: Int])?["GET /v1/events"] == 2)
        #expect(try await admin.get("/v1/api-keys").status == 200)
        #expect(try await admin.get("/v1/api-keys").status == 200)
        // Six taken since the change (the route's refusal counts against the tenant too).
        let tenantSpent = try await admin.get("/v1/api-keys")
        #expect(tenantSpent.status == 429)

        let stranger = APIClient(base: stack.gatewayURL, credential: try await environment.token(tenant: UUID()))
        #expect(try await stranger.get("/v1/tenants/\(tenantText)").status == 404)
        #expect(try await stranger.get("/v1/events").status == 200, "other tenants keep their own allowance")
        try await stack.stop()
    }
}
