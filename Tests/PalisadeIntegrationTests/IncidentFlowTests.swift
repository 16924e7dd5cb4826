import Foundation
import Logging
import PalisadeStore
import PostgresNIO
import Testing

/// A runtime event that breaks a tenant's rule becomes a policy result, an incident with the
/// event in its timeline, and records in the tenant's audit chain.
@Suite(.serialized) final class IncidentFlowTests {
    let environment: TestEnvironment
    let stack: ServiceStack

    init() async throws {
        environment = try TestEnvironment.load()
        stack = try await ServiceStack(["ingest", "policy", "incidents"], environment: environment)
    }

    func createRule(token: String, field: String = "latency_ms", value: Any = 1000, severity: String = "high") async throws -> String {
        let body = try JSONSerialization.data(withJSONObject: [
            "name": "slow responses", "field": field, "operator": "gt", "value": value, "severity": severity,
        ])
        let answer = try await HTTP.send(.POST, stack.gatewayURL + "/v1/policy-rules", token: token, contentType: "application/json", body: body)
        #expect(answer.status == 201, "rule refused: \(answer.text)")
        return answer.json["rule_id"] as? String ?? ""
    }

    func incidents(token: String, query: String = "") async throws -> [[String: Any]] {
        let answer = try await HTTP.send(.GET, stack.gatewayURL + "/v1/incidents?\(query)", token: token)
        #expect(answer.status == 200, "GET /v1/incidents answered \(answer.status): \(answer.text)")
        return answer.json["incidents"] as? [[String: Any]] ?? []
    }

    func waitForIncident(token: String, evidenceCount: Int = 1) async throws -> [String: Any] {
        var found: [String: Any] = [:]
        try await poll(timeout: .seconds(60), what: "an incident with \(evidenceCount) piece(s) of evidence") {
            guard let first = try await incidents(token: token).first else { return false }
            found = first
            return (first["evidence_count"] as? Int ?? 0) >= evidenceCount
        }
        return found
    }

    func verify(token: String) async throws -> [String: Any] {
        let answer = try await HTTP.send(.GET, stack.gatewayURL + "/v1/audit/verify", token: token)
        #expect(answer.status == 200)
        return answer.json
    }

    func auditCount(token: String) async throws -> Int {
        let answer = try await HTTP.send(.GET, stack.gatewayURL + "/v1/audit?limit=1000", token: token)
        return (answer.json["records"] as? [[String: Any]] ?? []).count
    }

    @Test func aBrokenRuleOpensOneIncidentWithTheEventInItsTimeline() async throws {
        let tenant = UUID()
        let token = try await environment.token(tenant: tenant)
        _ = try await createRule(token: token)
        var fast = runtimeEvent("evt-fast-1")
        fast["payload"] = ["latency_ms": 200, "tokens": ["input": 1, "output": 1], "cost": 0.001, "model": "m", "provider": "p"] as [String: Any]
        #expect(try await EventsEndToEndTests.post([fast, runtimeEvent("evt-slow-1")], token: token, to: stack.gatewayURL).status == 202)

        let incident = try await waitForIncident(token: token)
        #expect(incident["status"] as? String == "open")
        #expect(incident["severity"] as? String == "high")
        #expect(incident["route_id"] as? String == "prod-chat")
        let id = try #require(incident["incident_id"] as? String)

        let detail = try await HTTP.send(.GET, stack.gatewayURL + "/v1/incidents/\(id)", token: token)
        #expect(detail.status == 200)
        let timeline = detail.json["timeline"] as? [[String: Any]] ?? []
        #expect(timeline.count == 1)
        #expect(timeline.first?["event_id"] as? String == "evt-slow-1")
        #expect(timeline.first?["kind"] as? String == "policy_result")

        // A second slow event joins the open incident; the same event again adds nothing.
        #expect(try await EventsEndToEndTests.post([runtimeEvent("evt-slow-2"), runtimeEvent("evt-slow-1")], token: token, to: stack.gatewayURL).status == 202)
        let updated = try await waitForIncident(token: token, evidenceCount: 2)
        #expect(updated["incident_id"] as? String == id)
        #expect(try await incidents(token: token).count == 1)

        // Acknowledge, then resolve; repeating a transition is safe, reopening is not.
        let acknowledged = try await HTTP.send(.POST, stack.gatewayURL + "/v1/incidents/\(id)/acknowledge", token: token)
        #expect(acknowledged.status == 200)
        #expect(acknowledged.json["status"] as? String == "acknowledged")
        #expect(try await HTTP.send(.POST, stack.gatewayURL + "/v1/incidents/\(id)/acknowledge", token: token).status == 200)
        // More evidence joins the acknowledged incident without reopening it.
        #expect(try await EventsEndToEndTests.post([runtimeEvent("evt-slow-3")], token: token, to: stack.gatewayURL).status == 202)
        let stillAcknowledged = try await waitForIncident(token: token, evidenceCount: 3)
        #expect(stillAcknowledged["status"] as? String == "acknowledged")
        let resolved = try await HTTP.send(.POST, stack.gatewayURL + "/v1/incidents/\(id)/resolve", token: token)
        #expect(resolved.json["status"] as? String == "resolved")
        let reopen = try await HTTP.send(.POST, stack.gatewayURL + "/v1/incidents/\(id)/acknowledge", token: token)
        #expect(reopen.status == 409)
        #expect(reopen.headers["content-type"] == "application/problem+json")
        #expect(try await incidents(token: token, query: "status=resolved").count == 1)
        #expect(try await incidents(token: token, query: "status=open").isEmpty)

        // Another tenant sees none of it.
        let stranger = try await environment.token(tenant: UUID())
        #expect(try await incidents(token: stranger).isEmpty)
        #expect(try await HTTP.send(.GET, stack.gatewayURL + "/v1/incidents/\(id)", token: stranger).status == 404)

        // The audit chain: 3 policy results + opened, updated, acknowledged, updated, resolved.
        try await poll(timeout: .seconds(60), what: "eight audit records") { try await auditCount(token: token) >= 8 }
        #expect(try await auditCount(token: token) == 8)
        let verdict = try await verify(token: token)
        #expect(verdict["ok"] as? Bool == true)
        #expect(verdict["records"] as? Int == 8)
        // The published update after the acknowledgement says so too.
        let records = try await HTTP.send(.GET, stack.gatewayURL + "/v1/audit?limit=1000", token: token).json["records"] as? [[String: Any]] ?? []
        let lateUpdate = records.compactMap { $0["subject"] as? [String: Any] }.first { $0["kind"] as? String == "updated" && $0["version"] as? Int == 4 }
        #expect(lateUpdate?["status"] as? String == "acknowledged")
        try await stack.stop()
    }

    @Test func anEditedAuditRowIsNamedByVerify() async throws {
        let tenant = UUID()
        let token = try await environment.token(tenant: tenant)
        _ = try await createRule(token: token)
        let events = (1...3).map { runtimeEvent("evt-chain-\($0)") }
        #expect(try await EventsEndToEndTests.post(events, token: token, to: stack.gatewayURL).status == 202)
        // 3 policy results, opened, 2 updates.
        try await poll(timeout: .seconds(60), what: "six audit records") { try await auditCount(token: token) >= 6 }
        #expect(try await verify(token: token)["ok"] as? Bool == true)

        // The service's own role cannot rewrite history.
        let refusal = try await RuntimeRoleSession(environment: environment, service: "incidents").run { client in
            do {
                try await client.query("UPDATE incidents.audit_ledger SET kind = 'x' WHERE sequence = 2", logger: Logger(label: "test"))
                return "updated"
            } catch {
                return DatabaseFailure(error)?.sqlState ?? "\(error)"
            }
        }
        #expect(refusal == "42501")

        // Someone with more power edits record 4.
        try await RuntimeRoleSession.administrator(environment).run { client in
            try await client.query("""
                UPDATE incidents.audit_ledger SET subject = '{"forged":true}' WHERE tenant_id = \(tenant) AND sequence = 4
                """, logger: Logger(label: "test"))
        }
        let verdict = try await verify(token: token)
        #expect(verdict["ok"] as? Bool == false)
        #expect(verdict["first_bad_sequence"] as? Int == 4)
        try await stack.stop()
    }
}
