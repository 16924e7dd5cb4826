import Foundation
import Logging
import PostgresNIO
import Testing

/// The first incident through the whole system: all seven services, a webhook receiver and a
/// Splunk HEC stand-in. One rule-breaking event → one verified alert, the incident at HEC and
/// in the API with the event in its timeline, a verified audit chain; an edited ledger row is
/// named by verify.
@Suite(.serialized) final class FirstIncidentEndToEndTests {
    @Test func oneEventTravelsTheWholeSystem() async throws {
        let environment = try TestEnvironment.load()
        let stack = try await ServiceStack(["ingest", "policy", "watcher", "incidents", "alerts", "siem"], environment: environment)
        let receiver = try await WebhookReceiver(environment: environment)
        let hec = try await StandInServer(script: "hec_receiver.py", arguments: [], environment: environment)
        let tenant = UUID()
        let token = try await environment.token(tenant: tenant)
        func post(_ path: String, _ json: [String: Any]) async throws -> HTTP.Answer {
            try await HTTP.send(.POST, stack.gatewayURL + path, token: token, contentType: "application/json",
                                body: try JSONSerialization.data(withJSONObject: json))
        }
        #expect(try await post("/v1/policy-rules", [
            "name": "slow", "field": "latency_ms", "operator": "gt", "value": 1000, "severity": "high",
        ]).status == 201)
        #expect(try await post("/v1/alert-channels", ["name": "on-call", "url": receiver.url, "secret": receiver.secret]).status == 201)
        #expect(try await post("/v1/siem/destinations", [
            "name": "splunk", "type": "splunk_hec", "url": "http://127.0.0.1:\(hec.port)/services/collector/event", "token": "hec-e2e",
        ]).status == 201)

        #expect(try await EventsEndToEndTests.post([runtimeEvent("evt-e2e")], token: token, to: stack.gatewayURL).status == 202)

        try await poll(timeout: .seconds(90), what: "the alert") { try receiver.received().contains { $0.answered == 204 } }
        try await poll(timeout: .seconds(90), what: "the incident at HEC") {
            try hec.lines().contains { (($0["event"] as? [String: Any])?["event"] as? [String: Any])?["kind"] as? String == "opened" }
        }
        let alerts = try receiver.received()
        #expect(alerts.count == 1)
        #expect(alerts.first?.verified == true)
        #expect(alerts.first?.body["type"] as? String == "incident.opened")

        let list = try await HTTP.send(.GET, stack.gatewayURL + "/v1/incidents", token: token)
        let incidents = list.json["incidents"] as? [[String: Any]] ?? []
        #expect(incidents.count == 1)
        let incidentID = try #require(incidents.first?["incident_id"] as? String)
        #expect(alerts.first?.body["incident_id"] as? String == incidentID)
        let detail = try await HTTP.send(.GET, stack.gatewayURL + "/v1/incidents/\(incidentID)", token: token)
        #expect((detail.json["timeline"] as? [[String: Any]])?.first?["event_id"] as? String == "evt-e2e")

        // policy.result and incident.opened in the chain, and it verifies.
        try await poll(timeout: .seconds(60), what: "two audit records") {
            let page = try await HTTP.send(.GET, stack.gatewayURL + "/v1/audit", token: token)
            return (page.json["records"] as? [[String: Any]] ?? []).count >= 2
        }
        let verified = try await HTTP.send(.GET, stack.gatewayURL + "/v1/audit/verify", token: token)
        #expect(verified.json["ok"] as? Bool == true)

        try await RuntimeRoleSession.administrator(environment).run { client in
            try await client.query("""
                UPDATE incidents.audit_ledger SET actor = 'someone-else' WHERE tenant_id = \(tenant) AND sequence = 1
                """, logger: Logger(label: "test"))
        }
        let broken = try await HTTP.send(.GET, stack.gatewayURL + "/v1/audit/verify", token: token)
        #expect(broken.json["ok"] as? Bool == false)
        #expect(broken.json["first_bad_sequence"] as? Int == 1)

        receiver.stop()
        hec.stop()
        try await stack.stop()
    }
}
