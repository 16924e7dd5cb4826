import Foundation
import Testing

/// Incidents and audit records stream to a Splunk HEC stand-in; alerts and siem restarted
/// mid-stream lose nothing and send nothing twice.
@Suite(.serialized) final class SiemAndRestartTests {
    let environment: TestEnvironment
    let stack: ServiceStack

    init() async throws {
        environment = try TestEnvironment.load()
        stack = try await ServiceStack(["ingest", "policy", "incidents", "alerts", "siem"], environment: environment, extra: [
            "PALISADE_ALERT_BACKOFF_MS": "100", "PALISADE_SIEM_BACKOFF_MS": "100",
        ])
    }

    func post(_ path: String, token: String, json: [String: Any]) async throws -> HTTP.Answer {
        try await HTTP.send(.POST, stack.gatewayURL + path, token: token, contentType: "application/json",
                            body: try JSONSerialization.data(withJSONObject: json))
    }

    /// A tenant whose slow responses break a rule, with a webhook channel and a HEC destination.
    func tenant(receiver: WebhookReceiver, hec: StandInServer, hecToken: String) async throws -> String {
        let token = try await environment.token(tenant: UUID())
        #expect(try await post("/v1/policy-rules", token: token, json: [
            "name": "slow", "field": "latency_ms", "operator": "gt", "value": 1000, "severity": "critical",
        ]).status == 201)
        #expect(try await post("/v1/alert-channels", token: token, json: [
            "name": "on-call", "url": receiver.url, "secret": receiver.secret,
        ]).status == 201)
        let destination = try await post("/v1/siem/destinations", token: token, json: [
            "name": "splunk", "type": "splunk_hec", "url": "http://127.0.0.1:\(hec.port)/services/collector/event",
            "token": hecToken, "index": "palisade", "sourcetype": "palisade:event",
        ])
        #expect(destination.status == 201, "destination refused: \(destination.text)")
        #expect(destination.json["token"] == nil)
        return token
    }

    /// HEC events accepted (answered 200), by the record id inside them.
    func acceptedHEC(_ hec: StandInServer) throws -> [String] {
        try hec.lines().filter { $0["answered"] as? Int == 200 }.compactMap { line in
            let event = (line["event"] as? [String: Any])?["event"] as? [String: Any] ?? [:]
            return (event["incident_event_id"] as? String).map { "incident:\($0)" } ?? (event["entry_id"] as? String).map { "audit:\($0)" }
        }
    }

    @Test func incidentsAndAuditRecordsReachHECOnceAcrossRestarts() async throws {
        let receiver = try await WebhookReceiver(environment: environment)
        let hec = try await StandInServer(script: "hec_receiver.py", arguments: ["--fail-first", "1"], environment: environment)
        let hecToken = "hec-\(UUID().uuidString)"
        let token = try await tenant(receiver: receiver, hec: hec, hecToken: hecToken)

        // 30 routes, each breaking the rule once: 30 incidents, 30 alerts, and 30 policy
        // results + 30 incident events in the audit stream. alerts and siem restart midway.
        let routes = (0..<30).map { "route-\($0)" }
        for (index, route) in routes.enumerated() {
            #expect(try await EventsEndToEndTests.post([runtimeEvent("evt-\(route)", route: route)], token: token, to: stack.gatewayURL).status == 202)
            if index == 10 { try await stack.restart("alerts") }
            if index == 20 { try await stack.restart("siem") }
        }

        try await poll(timeout: .seconds(120), what: "30 alerts delivered") {
            Set(try receiver.received().filter { $0.answered == 204 }.map(\.id)).count >= 30
        }
        try await poll(timeout: .seconds(120), what: "90 records accepted by HEC") { try acceptedHEC(hec).count >= 90 }

        let delivered = try receiver.received().filter { $0.answered == 204 }
        #expect(delivered.count == 30, "alerts delivered more than once")
        #expect(delivered.allSatisfy { $0.verified })
        let accepted = try acceptedHEC(hec)
        #expect(accepted.count == 90, "HEC records: \(accepted.count)")
        #expect(Set(accepted).count == accepted.count, "a record reached HEC twice")
        #expect(accepted.filter { $0.hasPrefix("incident:") }.count == 30)

        let first = try #require(hec.lines().first { $0["answered"] as? Int == 200 })
        #expect(first["authorization"] as? String == "Splunk \(hecToken)")
        let hecEvent = first["event"] as? [String: Any] ?? [:]
        #expect(hecEvent["index"] as? String == "palisade")
        #expect(hecEvent["sourcetype"] as? String == "palisade:event")
        #expect(hecEvent["time"] is Double || hecEvent["time"] is Int)

        // The ledger holds exactly the audit records HEC received.
        let audit = try await HTTP.send(.GET, stack.gatewayURL + "/v1/audit?limit=1000", token: token)
        let ledger = Set((audit.json["records"] as? [[String: Any]] ?? []).compactMap { ($0["entry_id"] as? String).map { "audit:\($0)" } })
        #expect(ledger == Set(accepted.filter { $0.hasPrefix("audit:") }))
        receiver.stop()
        hec.stop()
        try await stack.stop()
    }
}
