import Foundation
import PostgresNIO
import Testing

/// A watched document changes: a change event with the watcher diff and the affected routes,
/// and (at high severity) an incident. A document that stops answering holds up only its own
/// check, and a second watcher instance does not check it again meanwhile.
@Suite(.serialized) final class WatcherTests {
    let environment: TestEnvironment
    let stack: ServiceStack

    init() async throws {
        environment = try TestEnvironment.load()
        stack = try await ServiceStack(["ingest", "policy", "incidents", "watcher"], environment: environment, extra: [
            "PALISADE_WATCHER_MIN_INTERVAL_SECONDS": "1", "PALISADE_WATCHER_TICK_MS": "200",
            // A check of a document that never answers outlasts what the test waits for; slots
            // enough that sources left unreachable by earlier runs (each held until its
            // timeout) cannot take them all.
            "PALISADE_WATCHER_FETCH_TIMEOUT_SECONDS": "120", "PALISADE_WATCHER_CONCURRENCY": "100",
        ])
    }

    @Test func aChangedPricingPageBecomesAChangeEventAndAnIncident() async throws {
        let token = try await environment.token(tenant: UUID())
        let folder = "\(environment["PALISADE_TEST_STATE"])/stand-ins"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let page = "\(folder)/pricing-\(UUID().uuidString.prefix(8)).json"
        try Data(#"{"claude-3-opus":{"input":15,"output":75}}"#.utf8).write(to: URL(fileURLWithPath: page))
        let document = try await StandInServer(script: "document_server.py", arguments: ["--content-file", page], environment: environment)

        // prod-chat calls anthropic; the watcher learns it from runtime events.
        #expect(try await EventsEndToEndTests.post([runtimeEvent("evt-inventory")], token: token, to: stack.gatewayURL).status == 202)
        try await poll(timeout: .seconds(60), what: "prod-chat known to call anthropic") {
            let answer = try await HTTP.send(.GET, stack.gatewayURL + "/v1/watchers/affected-routes?provider=anthropic", token: token)
            return (answer.json["routes"] as? [String]) == ["prod-chat"]
        }

        let created = try await HTTP.send(.POST, stack.gatewayURL + "/v1/watchers", token: token, contentType: "application/json",
                                          body: try JSONSerialization.data(withJSONObject: [
                                              "name": "Anthropic pricing", "url": "http://127.0.0.1:\(document.port)/pricing.json",
                                              "provider": "anthropic", "classification": "pricing_update", "severity": "high",
                                              "interval_seconds": 1,
                                          ]))
        #expect(created.status == 201, "watcher refused: \(created.text)")
        let watcherID = try #require(created.json["watcher_id"] as? String)

        // Looked at again with If-None-Match, and nothing changed.
        try await poll(timeout: .seconds(60), what: "a conditional request answered 304") {
            try document.lines().contains { $0["conditional"] as? Bool == true && $0["answered"] as? Int == 304 }
        }
        try Data(#"{"claude-3-opus":{"input":10,"output":75}}"#.utf8).write(to: URL(fileURLWithPath: page))

        var change: [String: Any] = [:]
        try await poll(timeout: .seconds(60), what: "the change event stored") {
            let answer = try await HTTP.send(.GET, stack.gatewayURL + "/v1/events?type=watcher.pricing_update.change", token: token)
            change = (answer.json["events"] as? [[String: Any]])?.first ?? [:]
            return !change.isEmpty
        }
        let payload = change["payload"] as? [String: Any] ?? [:]
        #expect(change["provider"] as? String == "anthropic")
        #expect(payload["watcher_id"] as? String == watcherID)
        #expect(payload["change_type"] as? String == "pricing_update")
        #expect((payload["old_value"] as? [String: Any])?["claude-3-opus.input"] as? Int == 15)
        #expect((payload["new_value"] as? [String: Any])?["claude-3-opus.input"] as? Int == 10)
        #expect(payload["affected_routes"] as? [String] == ["prod-chat"])

        var incident: [String: Any] = [:]
        try await poll(timeout: .seconds(60), what: "an incident for the change") {
            let answer = try await HTTP.send(.GET, stack.gatewayURL + "/v1/incidents", token: token)
            incident = (answer.json["incidents"] as? [[String: Any]])?.first ?? [:]
            return !incident.isEmpty
        }
        #expect(incident["severity"] as? String == "high")
        #expect(incident["route_id"] as? String == "prod-chat")
        #expect(incident["rule_id"] as? String == "change:watcher.pricing_update.change")
        document.stop()
        try await stack.stop()
    }

    /// A pricing document served by a stand-in; with `hanging`, one that never answers.
    func pricingDocument(hanging: Bool) async throws -> StandInServer {
        let folder = "\(environment["PALISADE_TEST_STATE"])/stand-ins"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let page = "\(folder)/pricing-\(UUID().uuidString.prefix(8)).json"
        try Data(#"{"gpt-4o":{"input":5,"output":15}}"#.utf8).write(to: URL(fileURLWithPath: page))
        return try await StandInServer(script: "document_server.py", arguments: ["--content-file", page] + (hanging ? ["--hang"] : []),
                                       environment: environment)
    }

    /// Watches `server`'s document every second.
    func watch(_ server: StandInServer, named name: String, token: String) async throws {
        let created = try await HTTP.send(.POST, stack.gatewayURL + "/v1/watchers", token: token, contentType: "application/json",
                                          body: try JSONSerialization.data(withJSONObject: [
                                              "name": name, "url": "http://127.0.0.1:\(server.port)/pricing.json",
                                              "provider": "openai", "classification": "pricing_update", "severity": "medium",
                                              "interval_seconds": 1,
                                          ]))
        #expect(created.status == 201, "watcher refused: \(created.text)")
    }

    @Test func aDocumentThatNeverAnswersHoldsUpOnlyItsOwnCheck() async throws {
        let token = try await environment.token(tenant: UUID())
        let stalled = try await pricingDocument(hanging: true)
        let healthy = try await pricingDocument(hanging: false)

        // A second instance on the same database: it must not check what the first is checking.
        let second = try await stack.startAnother("watcher")
        try await watch(stalled, named: "Stalled pricing", token: token)
        try await poll(timeout: .seconds(60), what: "the stalled document's check under way") { try stalled.lines().count == 1 }
        // Checked every second while the stalled check still waits for its answer.
        try await watch(healthy, named: "Healthy pricing", token: token)
        try await poll(timeout: .seconds(60), what: "three checks of the healthy document") { try healthy.lines().count >= 3 }
        #expect(try stalled.lines().count == 1, "the stalled document's first check is still the only one, in either instance")
        _ = try await second.terminate()
        // Its connection closes with the server, so the check ends and the watcher can stop.
        stalled.stop()
        healthy.stop()
        try await stack.stop()
    }

    @Test func aWatcherStoppedMidCheckHandsTheSourceBack() async throws {
        let token = try await environment.token(tenant: UUID())
        let stalled = try await pricingDocument(hanging: true)
        try await watch(stalled, named: "Stalled pricing", token: token)
        try await poll(timeout: .seconds(60), what: "the stalled document's check under way") { try stalled.lines().count == 1 }

        // A deploy stops the instance mid-check. Its claim would hold the source for the fetch
        // timeout and more (150 s here); handed back, the next instance checks it at once.
        try await stack.restart("watcher")
        try await poll(timeout: .seconds(60), what: "the source checked again after the restart") { try stalled.lines().count == 2 }
        // The interrupted check said nothing about the document: it is not recorded as unreachable.
        let listed = try await HTTP.send(.GET, stack.gatewayURL + "/v1/watchers", token: token)
        let watcher = (listed.json["watchers"] as? [[String: Any]])?.first
        #expect(watcher?["last_status"] is NSNull, "\(String(describing: watcher))")
        stalled.stop()
        try await stack.stop()
    }

    @Test func aHandBackLeavesAClaimAnotherInstanceTookSince() async throws {
        let tenant = UUID()
        let token = try await environment.token(tenant: tenant)
        let stalled = try await pricingDocument(hanging: true)
        try await watch(stalled, named: "Stalled pricing", token: token)
        try await poll(timeout: .seconds(60), what: "the stalled document's check under way") { try stalled.lines().count == 1 }

        // The check outlived its claim and another instance claimed the source since, as that
        // instance would have in the database. Stopped now, this instance must leave that
        // claim alone: ended, it would let a third check start while the second runs.
        let other = UUID()
        let administrator = RuntimeRoleSession.administrator(environment)
        try await administrator.run { client in
            try await client.query("""
                UPDATE watcher.sources SET claimed_by = \(other), claimed_until = now() + interval '1 hour' WHERE tenant_id = \(tenant)
                """)
        }
        try await stack.restart("watcher")
        let claim = try await administrator.run { client -> (UUID?, Bool?) in
            let rows = try await client.query("SELECT claimed_by, claimed_until > now() FROM watcher.sources WHERE tenant_id = \(tenant)")
            for try await claim in rows.decode((UUID?, Bool?).self) { return claim }
            return (nil, nil)
        }
        #expect(claim.0 == other && claim.1 == true, "\(claim)")
        stalled.stop()
        try await stack.stop()
    }
}
