import Foundation
import Logging
import PalisadeAuth
import PalisadeEvents
import PalisadeKafka
import PalisadePolicy
import PalisadeStore
import PostgresNIO
import Testing

/// The policy service end to end behind the gateway: pack versions are immutable, activation
/// needs a trusted signature, rollback restores the version before, every step reaches the
/// ledger and the tenant's set reaches the packs topic; decisions deny by default, hold agents
/// to their users, record shadow packs without obeying them; approvals can be waited on and
/// are approved, denied or expire.
@Suite(.serialized) final class PolicyEngineTests {
    let environment: TestEnvironment
    let stack: ServiceStack
    let signingKey = PackSigningKey(keyID: "ci-2026")
    /// What the policy service is started with (a second instance gets the same).
    let policyEnvironment: [String: String]
    let keysFile: String

    init() async throws {
        environment = try TestEnvironment.load()
        keysFile = "\(environment["PALISADE_TEST_STATE"])/trusted-pack-keys-\(UUID().uuidString.prefix(8)).json"
        try Data(CanonicalJSON.object(["keys": .array([signingKey.verifyingKey.jsonObject])]).bytes)
            .write(to: URL(fileURLWithPath: keysFile))
        policyEnvironment = ["PALISADE_POLICY_TRUSTED_KEYS_FILE": keysFile, "PALISADE_APPROVAL_EXPIRY_SWEEP_SECONDS": "1",
                             "PALISADE_POLICY_TRIGGER_CHECKPOINT_SECONDS": "1", "PALISADE_POLICY_TRIGGER_IDLE_SECONDS": "0"]
        stack = try await ServiceStack(["ingest", "policy", "incidents"], environment: environment, extra: policyEnvironment)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: keysFile)
    }

    func admin(_ tenant: UUID, subject: String = "user:test") async throws -> APIClient {
        APIClient(base: stack.gatewayURL, credential: try await environment.token(tenant: tenant, subject: subject))
    }

    /// The support pack of docs/policy-packs.md, at `version`, with `extraRules` appended.
    static func supportPack(version: String, id: String = "support", scope: String = "tenant", extraRules: String = "",
                            approvalSeconds: Int = 3600) -> String {
        """
        id: \(id)
        version: \(version)
        description: Support staff and their agents
        default_action: deny
        scope: \(scope)
        resource_classes:
          export: ["tool:crm.export"]
        roles:
          support:
            permissions:
              - actions: [read, search, execute]
                resources: ["tool:crm.*"]
            sensitive:
              export: require_approval
          support_lead:
            permissions:
              - actions: [read, search, execute]
                resources: ["tool:crm.*"]
            sensitive:
              export: allow
        rules:
          - rule_id: paste_sites
            severity: high
            when: 'context.destination matches "(?i)pastebin"'
            action: deny
        \(extraRules)
        approval:
          expires_in_seconds: \(approvalSeconds)
        """
    }

    func push(_ client: APIClient, _ yaml: String, sign: Bool = true) async throws -> HTTP.Answer {
        let pack = try PackReader.read(yaml)
        let body = SignedPack(pack: pack, signature: sign ? try signingKey.sign(pack) : nil).canonicalJSON.bytes
        return try await HTTP.send(.POST, client.base + "/v1/policy-packs", token: client.credential, contentType: "application/json",
                                   body: Data(body))
    }

    func decide(_ client: APIClient, user: String, roles: [String], agent: String? = nil, agentRoles: [String] = [],
                action: String, resource: String, context: [String: Any] = [:]) async throws -> [String: Any] {
        var subject: [String: Any] = ["user": user, "roles": roles]
        if let agent { subject["agent"] = agent; subject["agent_roles"] = agentRoles }
        let answer = try await client.post("/v1/decisions", json: ["subject": subject, "action": action, "resource": resource, "context": context])
        #expect(answer.status == 200, "\(answer.text)")
        return answer.json
    }

    /// The tenant's ledger records of `kind`, polled until `until` holds for them.
    func ledger(_ client: APIClient, kind: String, until: @escaping ([[String: Any]]) -> Bool) async throws -> [[String: Any]] {
        var found: [[String: Any]] = []
        try await poll(timeout: .seconds(30), what: "\(kind) entries in the ledger") {
            found = try await client.ledger(kind: kind)
            return until(found)
        }
        return found
    }

    @Test func versionsAreImmutableSignedActivatedAndRolledBack() async throws {
        let tenant = UUID()
        let admin = try await admin(tenant)

        // Unsigned, as YAML: stored, and the same again changes nothing.
        let yaml = Self.supportPack(version: "1.0.0")
        let created = try await HTTP.send(.POST, admin.base + "/v1/policy-packs", token: admin.credential, contentType: "application/yaml",
                                          body: Data(yaml.utf8))
        #expect(created.status == 201, "\(created.text)")
        #expect(created.json["signed_by"] as? [String] == [])
        let again = try await HTTP.send(.POST, admin.base + "/v1/policy-packs", token: admin.credential, contentType: "application/yaml",
                                        body: Data(yaml.utf8))
        #expect(again.status == 200)
        #expect(again.json["digest"] as? String == created.json["digest"] as? String)
        let edited = try await push(admin, Self.supportPack(version: "1.0.0", extraRules: "  - {rule_id: extra, when: 'action eq \"x\"', action: deny}"),
                                    sign: false)
        #expect(edited.status == 409, "\(edited.text)")

        // Unsigned packs are not activated; a signature by an untrusted key is refused.
        let unsigned = try await admin.post("/v1/policy-packs/support/activate", json: ["version": "1.0.0"])
        #expect(unsigned.status == 409, "\(unsigned.text)")
        #expect(unsigned.text.contains("unsigned"))
        let pack = try PackReader.read(yaml)
        let stranger = try PackSigningKey(keyID: "stranger").sign(pack)
        let untrusted = try await admin.post("/v1/policy-packs/support/versions/1.0.0/signatures", json: [
            "key_id": stranger.keyID, "algorithm": "Ed25519", "value": stranger.value.base64EncodedString(),
        ])
        #expect(untrusted.status == 422, "\(untrusted.text)")
        let signature = try signingKey.sign(pack)
        let signed = try await admin.post("/v1/policy-packs/support/versions/1.0.0/signatures", json: [
            "key_id": signature.keyID, "algorithm": "Ed25519", "value": signature.value.base64EncodedString(),
        ])
        #expect(signed.status == 201, "\(signed.text)")
        #expect(signed.json["signed_by"] as? [String] == ["ci-2026"])

        // Deny by default before anything is active.
        let before = try await decide(admin, user: "amy", roles: ["support"], action: "read", resource: "tool:crm.contacts")
        #expect(before["decision"] as? String == "deny")
        #expect(before["reason"] as? String == "no_active_pack")

        let activated = try await admin.post("/v1/policy-packs/support/activate", json: ["version": "1.0.0", "mode": "enforce"])
        #expect(activated.status == 200, "\(activated.text)")
        let read = try await decide(admin, user: "amy", roles: ["support"], action: "read", resource: "tool:crm.contacts")
        #expect(read["decision"] as? String == "allow")
        #expect(read["rule_path"] as? String == "roles/support/permissions/0")
        #expect(read["pack_id"] as? String == "support")
        #expect(read["pack_version"] as? String == "1.0.0")
        let stranger2 = try await decide(admin, user: "bob", roles: ["guest"], action: "read", resource: "tool:crm.contacts")
        #expect(stranger2["decision"] as? String == "deny")
        #expect(stranger2["reason"] as? String == "role_restriction")
        #expect(stranger2["role_required"] as? String == "support")

        // Version 2 (signed in its envelope) forbids searching; a lower version is refused.
        let second = try await push(admin, Self.supportPack(version: "2.0.0", extraRules: "  - {rule_id: no_search, when: 'action eq \"search\"', action: deny}"))
        #expect(second.status == 201, "\(second.text)")
        #expect(try await push(admin, Self.supportPack(version: "1.5.0")).status == 409)
        #expect(try await admin.post("/v1/policy-packs/support/activate", json: ["version": "2.0.0"]).status == 200)
        let search = try await decide(admin, user: "amy", roles: ["support"], action: "search", resource: "tool:crm.contacts")
        #expect(search["decision"] as? String == "deny")
        #expect(search["rule_path"] as? String == "rules/no_search")

        // Rollback, with no version named, goes back to 1.0.0.
        let rolledBack = try await HTTP.send(.POST, admin.base + "/v1/policy-packs/support/rollback", token: admin.credential)
        #expect(rolledBack.status == 200, "\(rolledBack.text)")
        #expect((rolledBack.json["active"] as? [String: Any])?["version"] as? String == "1.0.0")
        #expect((rolledBack.json["previous"] as? [String: Any])?["version"] as? String == "2.0.0")
        let searchAgain = try await decide(admin, user: "amy", roles: ["support"], action: "search", resource: "tool:crm.contacts")
        #expect(searchAgain["decision"] as? String == "allow")

        let history = try await admin.get("/v1/policy-packs/support/history").json["changes"] as? [[String: Any]] ?? []
        #expect(history.map { "\($0["change"] ?? "") \($0["version"] ?? "")" } == ["activate 1.0.0", "activate 2.0.0", "rollback 1.0.0"])
        let detail = try await admin.get("/v1/policy-packs/support/versions/2.0.0")
        #expect((detail.json["pack"] as? [String: Any])?["id"] as? String == "support")
        #expect((detail.json["signatures"] as? [[String: Any]])?.first?["key_id"] as? String == "ci-2026")
        // The pack's page lists every version in semver order, each with who signed it.
        let page = try await admin.get("/v1/policy-packs/support").json
        let versions = page["versions"] as? [[String: Any]] ?? []
        #expect(versions.map { "\($0["version"] ?? "") \(($0["signed_by"] as? [String]) ?? [])" } == ["1.0.0 [\"ci-2026\"]", "2.0.0 [\"ci-2026\"]"],
                "\(page)")
        #expect((page["active"] as? [String: Any])?["version"] as? String == "1.0.0")

        // Every step is in the ledger.
        for (kind, count) in [("policy.pack_version_created", 2), ("policy.pack_signed", 1), ("policy.pack_activated", 2),
                              ("policy.pack_rolled_back", 1)] {
            _ = try await ledger(admin, kind: kind) { $0.count == count }
        }

        // The tenant's latest set on the packs topic holds 1.0.0, signed.
        let revision = rolledBack.json["revision"] as? Int ?? 0
        let set = try await latestPackSet(tenant: tenant, revision: Int64(revision))
        #expect(set?.packs.map { "\($0.packID) \($0.version) \($0.mode) \($0.keyID)" } == ["support 1.0.0 enforce ci-2026"])
        if let published = set?.packs.first {
            let pack = try PackReader.read(String(decoding: published.document, as: UTF8.self))
            #expect(TrustedPackKeys([signingKey.verifyingKey]).verify(pack, signature: PackSignature(keyID: published.keyID, value: published.signature))
                    == .verified(keyID: "ci-2026"))
        }
        // Sealed by the policy service's key, which `scripts/test` made and gateways trust.
        let trustedSealKeys = try PackSetTrust.load(environment: ProcessInfo.processInfo.environment).keys
        #expect(set.map { trustedSealKeys.verify(message: $0.sealMessage, signature: $0.sealSignature) } == .verified(keyID: "local-policy-service"))
        #expect(try await admin.get("/v1/audit/verify").json["ok"] as? Bool == true)
        try await stack.stop()
    }

    @Test func packProblemsNameTheirLineAndColumn() async throws {
        let admin = try await admin(UUID())
        let yaml = Self.supportPack(version: "1.0.0").replacingOccurrences(of: "matches \"(?i)pastebin\"", with: "resembles \"pastebin\"")
        let answer = try await HTTP.send(.POST, admin.base + "/v1/policy-packs", token: admin.credential, contentType: "application/yaml",
                                         body: Data(yaml.utf8))
        #expect(answer.status == 422, "\(answer.text)")
        let errors = answer.json["errors"] as? [[String: Any]] ?? []
        #expect(errors.first?["field"] as? String == "rules[0].when")
        #expect((errors.first?["reason"] as? String)?.hasPrefix("line 24, column") == true, "\(errors)")
        try await stack.stop()
    }

    @Test func agentsGetOnlyWhatTheirUserMay() async throws {
        let admin = try await admin(UUID())
        #expect(try await push(admin, Self.supportPack(version: "1.0.0")).status == 201)
        #expect(try await admin.post("/v1/policy-packs/support/activate", json: ["version": "1.0.0"]).status == 200)

        // A lead may export; their agent, holding only support, is sent for approval.
        let lead = try await decide(admin, user: "lee", roles: ["support_lead"], action: "execute", resource: "tool:crm.export")
        #expect(lead["decision"] as? String == "allow")
        let leadsAgent = try await decide(admin, user: "lee", roles: ["support_lead"], agent: "bot", agentRoles: ["support"],
                                          action: "execute", resource: "tool:crm.export")
        #expect(leadsAgent["decision"] as? String == "require_approval")
        // An agent holding more than its user is held to the user.
        let mightier = try await decide(admin, user: "sam", roles: ["support"], agent: "bot", agentRoles: ["support_lead"],
                                        action: "execute", resource: "tool:crm.export")
        #expect(mightier["decision"] as? String == "require_approval")
        let nobodysAgent = try await decide(admin, user: "nia", roles: [], agent: "bot", agentRoles: ["support_lead"],
                                            action: "read", resource: "tool:crm.contacts")
        #expect(nobodysAgent["decision"] as? String == "deny")

        // The batch answers in order and names a bad element by its index.
        let batch = try await admin.post("/v1/decisions/batch", json: ["requests": [
            ["subject": ["user": "amy", "roles": ["support"]], "action": "read", "resource": "tool:crm.contacts"],
            ["subject": ["user": "amy", "roles": ["support"]], "action": "read", "resource": "tool:crm.contacts",
             "context": ["destination": "https://PasteBin.com/x"]],
        ]])
        #expect(batch.status == 200, "\(batch.text)")
        #expect((batch.json["decisions"] as? [[String: Any]])?.map { $0["decision"] as? String ?? "" } == ["allow", "deny"])
        let bad = try await admin.post("/v1/decisions/batch", json: ["requests": [
            ["subject": ["user": "amy"], "action": "read", "resource": "tool:crm.contacts"], ["subject": [:], "action": "read"],
        ]])
        #expect(bad.status == 422)
        #expect((bad.json["errors"] as? [[String: Any]])?.allSatisfy { $0["index"] as? Int == 1 } == true, "\(bad.text)")
        try await stack.stop()
    }

    /// Each instance decides from its compiled copy of the set; a change made through another
    /// instance reaches it through the background recheck, with no restart.
    @Test func anotherInstancesChangeReachesThisOne() async throws {
        let admin = try await admin(UUID())
        var secondEnvironment = policyEnvironment
        secondEnvironment["PALISADE_POLICY_RECHECK_MILLISECONDS"] = "300"
        let second = try await ServiceStack(["policy"], environment: environment, extra: secondEnvironment)
        let elsewhere = APIClient(base: second.gatewayURL, credential: admin.credential)
        let before = try await decide(elsewhere, user: "amy", roles: ["support"], action: "read", resource: "tool:crm.contacts")
        #expect(before["reason"] as? String == "no_active_pack")

        #expect(try await push(admin, Self.supportPack(version: "1.0.0")).status == 201)
        #expect(try await admin.post("/v1/policy-packs/support/activate", json: ["version": "1.0.0"]).status == 200)
        try await poll(timeout: .seconds(15), what: "the other instance allowing under the activated pack") {
            try await self.decide(elsewhere, user: "amy", roles: ["support"], action: "read", resource: "tool:crm.contacts")["decision"]
                as? String == "allow"
        }
        #expect(try await admin.post("/v1/policy-packs/support/deactivate", json: [:]).status == 200)
        try await poll(timeout: .seconds(15), what: "the other instance back to no active pack") {
            try await self.decide(elsewhere, user: "amy", roles: ["support"], action: "read", resource: "tool:crm.contacts")["reason"]
                as? String == "no_active_pack"
        }
        try await second.stop()
        try await stack.stop()
    }

    @Test func shadowPacksAreRecordedNeverObeyed() async throws {
        let admin = try await admin(UUID())
        #expect(try await push(admin, Self.supportPack(version: "1.0.0")).status == 201)
        #expect(try await admin.post("/v1/policy-packs/support/activate", json: ["version": "1.0.0"]).status == 200)
        let strict = """
            id: lockdown
            version: 0.1.0
            default_action: deny
            rules:
              - {rule_id: everything, when: 'action exists', action: deny}
            """
        #expect(try await push(admin, strict).status == 201)
        #expect(try await admin.post("/v1/policy-packs/lockdown/activate", json: ["version": "0.1.0", "mode": "shadow"]).status == 200)

        let answer = try await admin.post("/v1/decisions", json: [
            "subject": ["user": "amy", "roles": ["support"]], "action": "read", "resource": "tool:crm.contacts",
        ])
        #expect(answer.json["decision"] as? String == "allow")
        #expect(answer.json["pack_id"] as? String == "support")
        let requestID = answer.headers["x-request-id"] ?? ""
        let records = try await ledger(admin, kind: "policy.decision") { records in
            records.contains { $0["request_id"] as? String == requestID }
        }
        let subject = records.first { $0["request_id"] as? String == requestID }?["subject"] as? [String: Any] ?? [:]
        #expect(subject["decision"] as? String == "allow")
        let shadow = subject["shadow"] as? [[String: Any]] ?? []
        #expect(shadow.map { "\($0["pack_id"] ?? "") \($0["decision"] ?? "") \($0["rule_path"] ?? "")" } == ["lockdown deny rules/everything"])
        try await stack.stop()
    }

    @Test func approvalsAreAwaitedApprovedDeniedOrExpire() async throws {
        let tenant = UUID()
        let admin = try await admin(tenant)
        let approver = try await self.admin(tenant, subject: "user:approver")
        #expect(try await push(admin, Self.supportPack(version: "1.0.0", approvalSeconds: 2)).status == 201)
        #expect(try await admin.post("/v1/policy-packs/support/activate", json: ["version": "1.0.0"]).status == 200)

        func ask() async throws -> String {
            let answer = try await decide(admin, user: "amy", roles: ["support"], action: "execute", resource: "tool:crm.export")
            #expect(answer["decision"] as? String == "require_approval")
            #expect(answer["rule_path"] as? String == "roles/support/sensitive/export")
            let approval = answer["approval"] as? [String: Any] ?? [:]
            #expect(approval["status"] as? String == "pending")
            return approval["approval_id"] as? String ?? ""
        }

        // The requester waits; an approver approves while it waits.
        let first = try await ask()
        async let waited = admin.get("/v1/approvals/\(first)?wait=20")
        try await poll(timeout: .seconds(10), what: "the approval to be listed") {
            let listed = try await approver.get("/v1/approvals?status=pending").json["approvals"] as? [[String: Any]] ?? []
            return listed.contains { $0["approval_id"] as? String == first }
        }
        let selfApproved = try await admin.post("/v1/approvals/\(first)/approve", json: [:])
        #expect(selfApproved.status == 403, "\(selfApproved.text)")
        let approved = try await approver.post("/v1/approvals/\(first)/approve", json: ["comment": "ticket 4711"])
        #expect(approved.status == 200, "\(approved.text)")
        let outcome = try await waited
        #expect(outcome.json["status"] as? String == "approved", "\(outcome.text)")
        #expect(outcome.json["decided_by"] as? String == "user:approver")
        #expect(try await approver.post("/v1/approvals/\(first)/deny", json: [:]).status == 409)

        let second = try await ask()
        #expect(try await approver.post("/v1/approvals/\(second)/deny", json: [:]).status == 200)
        #expect(try await admin.get("/v1/approvals/\(second)").json["status"] as? String == "denied")

        // Nobody decides the third: it expires, and a waiter sees that.
        let third = try await ask()
        let expired = try await admin.get("/v1/approvals/\(third)?wait=20")
        #expect(expired.json["status"] as? String == "expired", "\(expired.text)")
        #expect(try await approver.post("/v1/approvals/\(third)/approve", json: [:]).status == 409)

        // Outcomes are decisions in the ledger.
        let decisions = try await ledger(admin, kind: "policy.decision") { records in
            let reasons = Set(records.compactMap { ($0["subject"] as? [String: Any])?["reason"] as? String })
            return reasons.isSuperset(of: ["approved", "approval_denied", "approval_expired"])
        }
        #expect(decisions.contains { ($0["subject"] as? [String: Any])?["approval_id"] as? String == first })
        _ = try await ledger(admin, kind: "policy.approval_approved") { $0.count == 1 }
        try await stack.stop()
    }

    @Test func triggersOverRuntimeEventsOpenOneIncidentPerBreach() async throws {
        let admin = try await admin(UUID())
        let pack = """
            id: sla
            version: 1.0.0
            default_action: allow
            triggers:
              - {trigger_id: slow_p95, metric: p95_latency_ms, window_seconds: 60, gt: 1000, min_events: 5, severity: high}
            """
        #expect(try await push(admin, pack).status == 201)
        #expect(try await admin.post("/v1/policy-packs/sla/activate", json: ["version": "1.0.0"]).status == 200)
        // The same trigger in a shadow pack: recorded as what would have happened, never an incident.
        let shadowPack = pack.replacingOccurrences(of: "id: sla", with: "id: sla-trial").replacingOccurrences(of: "slow_p95", with: "trial_p95")
        #expect(try await push(admin, shadowPack).status == 201)
        #expect(try await admin.post("/v1/policy-packs/sla-trial/activate", json: ["version": "1.0.0", "mode": "shadow"]).status == 200)

        // A slow minute (it breaches once, however many slow events follow), a quick minute
        // (the breach ends), and a slow minute again (a second breach).
        var events: [[String: Any]] = []
        for (minute, count, latency) in [(0, 9, 2500), (1, 6, 120), (2, 6, 2500)] {
            for index in 0..<count {
                events.append([
                    "event_id": "sla-\(minute)-\(index)", "route_id": "prod-chat", "type": "runtime.request.completed",
                    "timestamp": "2026-11-30T10:0\(minute):\(String(format: "%02d", index))Z",
                    "payload": ["latency_ms": latency, "tokens": ["input": 10, "output": 5], "cost": 0.01, "model": "gpt-4o", "provider": "openai"] as [String: Any],
                ])
            }
        }
        let posted = try await EventsEndToEndTests.post(events, token: admin.credential, to: stack.gatewayURL)
        #expect(posted.status == 202, "\(posted.text)")
        var incident: [String: Any] = [:]
        try await poll(timeout: .seconds(60), what: "the incident with both breaches") {
            let incidents = try await admin.get("/v1/incidents").json["incidents"] as? [[String: Any]] ?? []
            incident = incidents.first { $0["rule_id"] as? String == "sla/slow_p95" } ?? [:]
            return incident["evidence_count"] as? Int ?? 0 >= 2
        }
        #expect(incident["evidence_count"] as? Int == 2)
        #expect(incident["route_id"] as? String == "prod-chat")
        #expect((incident["title"] as? String)?.contains("p95_latency_ms over 60 s gt 1000") == true, "\(incident)")

        var wouldBe: [[String: Any]] = []
        try await poll(timeout: .seconds(60), what: "both shadow breaches in the ledger") {
            let records = try await admin.get("/v1/audit?limit=200").json["records"] as? [[String: Any]] ?? []
            wouldBe = records.compactMap { record in
                guard record["kind"] as? String == "policy.result", let subject = record["subject"] as? [String: Any],
                      subject["policy_id"] as? String == "sla-trial/trial_p95" else { return nil }
                return subject
            }
            return wouldBe.count >= 2
        }
        #expect(wouldBe.count == 2)
        #expect(wouldBe.allSatisfy { $0["mode"] as? String == "shadow" && $0["action_taken"] as? String == "none" && $0["would_take"] as? String == "alert" })
        let incidents = try await admin.get("/v1/incidents").json["incidents"] as? [[String: Any]] ?? []
        #expect(!incidents.contains { $0["rule_id"] as? String == "sla-trial/trial_p95" }, "a shadow trigger opens no incident")
        try await stack.stop()
    }

    /// A pack whose trigger breaches at the fifth slow event of a minute on a route.
    func activateSlowPack(_ admin: APIClient) async throws {
        let pack = """
            id: windows
            version: 1.0.0
            default_action: allow
            triggers:
              - {trigger_id: slow_p95, metric: p95_latency_ms, window_seconds: 60, gt: 1000, min_events: 5, severity: high}
            """
        #expect(try await push(admin, pack).status == 201)
        #expect(try await admin.post("/v1/policy-packs/windows/activate", json: ["version": "1.0.0"]).status == 200)
    }

    /// Slow events `indices` of one minute on `route`.
    func postSlow(_ admin: APIClient, _ route: String, _ indices: Range<Int>) async throws {
        let events: [[String: Any]] = indices.map { index in
            ["event_id": "\(route)-\(index)", "route_id": route, "type": "runtime.request.completed",
             "timestamp": "2026-11-30T11:00:0\(index)Z",
             "payload": ["latency_ms": 2500, "tokens": ["input": 10, "output": 5], "cost": 0.01, "model": "gpt-4o", "provider": "openai"] as [String: Any]]
        }
        #expect(try await EventsEndToEndTests.post(events, token: admin.credential, to: stack.gatewayURL).status == 202)
    }

    /// How many events the route's checkpoint in `policy.trigger_windows` counts, read as the superuser.
    func checkpointedEvents(tenant: UUID, _ route: String) async throws -> Int? {
        let saved = try await RuntimeRoleSession.administrator(environment).run { client -> [UInt8]? in
            let rows = try await client.query("SELECT state FROM policy.trigger_windows WHERE tenant_id = \(tenant) AND route_id = \(route)")
            for try await state in rows.decode(ByteBuffer.self) { return Array(buffer: state) }
            return nil
        }
        return try saved.map { try TriggerRouteState(snapshot: $0).activity.value(.p95LatencyMs, minutes: 60).events }
    }

    /// The route's breaches of `windows/slow_p95` in the ledger, once there is at least one,
    /// as the event counts they observed.
    func breachCounts(_ admin: APIClient, _ route: String) async throws -> [Int?] {
        var found: [[String: Any]] = []
        try await poll(timeout: .seconds(60), what: "a breach of \(route) in the ledger") {
            let records = try await admin.get("/v1/audit?limit=200").json["records"] as? [[String: Any]] ?? []
            found = records.compactMap { $0["subject"] as? [String: Any] }
                .filter { $0["policy_id"] as? String == "windows/slow_p95" && $0["route_id"] as? String == route }
            return !found.isEmpty
        }
        return found.map { result in
            let observed = (result["observed"] as? String).flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) } as? [String: Any]
                ?? result["observed"] as? [String: Any]
            return observed?["events"] as? Int
        }
    }

    /// A metric of the policy service, from its `/metrics`.
    func policyMetric(_ name: String) async throws -> Double? {
        try await stack["policy"]?.metric(name)
    }

    @Test func triggerWindowsSurviveRestartsAndCrashesOfThePolicyService() async throws {
        let tenant = UUID()
        let admin = try await admin(tenant)
        try await activateSlowPack(admin)

        // Four slow events, one short of the trigger's minimum, counted and checkpointed (the
        // offsets are committed only then); a restarted instance, or one a partition moves to,
        // continues the window, so the fifth event breaches it. Without the checkpoint it
        // would have counted one event.
        try await postSlow(admin, "restart-chat", 0..<4)
        try await poll(timeout: .seconds(60), what: "four events checkpointed") { try await checkpointedEvents(tenant: tenant, "restart-chat") == 4 }
        try await stack.restart("policy")
        try await postSlow(admin, "restart-chat", 4..<5)
        let afterRestart = try await breachCounts(admin, "restart-chat")
        #expect(afterRestart == [5], "\(afterRestart)")

        // A crash at any moment: events counted since the last checkpoint were never committed,
        // so they come again and are counted once, on top of the checkpoint.
        try await postSlow(admin, "crash-chat", 0..<3)
        try await poll(timeout: .seconds(60), what: "three events checkpointed") { try await checkpointedEvents(tenant: tenant, "crash-chat") == 3 }
        try await postSlow(admin, "crash-chat", 3..<5)
        try await stack.restart("policy", crashing: true)
        try await postSlow(admin, "crash-chat", 5..<6)
        try await poll(timeout: .seconds(60), what: "six events checkpointed") { try await checkpointedEvents(tenant: tenant, "crash-chat") == 6 }
        let afterCrash = try await breachCounts(admin, "crash-chat")
        #expect(afterCrash == [5], "one breach, at the fifth event: \(afterCrash)")
        try await stack.stop()
    }

    @Test func idleRoutesLeaveMemoryAndContinueFromTheirCheckpoint() async throws {
        // This suite's policy service lets a saved route go at the next checkpoint (idle 0 s).
        let tenant = UUID()
        let admin = try await admin(tenant)
        try await activateSlowPack(admin)
        try await postSlow(admin, "idle-chat", 0..<4)
        try await poll(timeout: .seconds(60), what: "four events checkpointed") { try await checkpointedEvents(tenant: tenant, "idle-chat") == 4 }
        try await poll(timeout: .seconds(60), what: "the route evicted from memory") {
            let evicted = try await policyMetric("palisade_policy_trigger_routes_evicted_total") ?? 0
            let held = try await policyMetric("palisade_policy_trigger_routes")
            return evicted >= 1 && held == 0
        }
        // Its next event loads it from the checkpoint: the window goes on, and the fifth breaches.
        try await postSlow(admin, "idle-chat", 4..<5)
        let breaches = try await breachCounts(admin, "idle-chat")
        #expect(breaches == [5], "\(breaches)")
        try await stack.stop()
    }

    @Test func aCheckpointFromAReplacedLogDoesNotSilenceTheTriggers() async throws {
        let tenant = UUID()
        let admin = try await admin(tenant)
        try await activateSlowPack(admin)
        // One slow event, counted and checkpointed: where the tenant's events land.
        try await postSlow(admin, "reborn-chat", 0..<1)
        try await poll(timeout: .seconds(60), what: "one event checkpointed") { try await checkpointedEvents(tenant: tenant, "reborn-chat") == 1 }
        let partition = try #require(try await checkpoint(tenant: tenant, "reborn-chat")).partition

        // The checkpoint as a log since replaced left it (the topic recreated, or the service
        // moved to a new cluster): four slow events, at offsets this log has not reached.
        // Taken for redeliveries, every new event would go uncounted until the log got there.
        // Their times are 11:00:00 to 11:00:03 on 30 November 2026, the minute `postSlow` posts in.
        let old = TriggerMonitor()
        old.apply(old.evaluate(tenant: "t", events: (0..<4).map { index in
            TriggerEvent(route: "reborn-chat", date: Date(timeIntervalSince1970: 1_796_036_400 + Double(index)), latencyMs: 2500,
                         isError: false, cost: 0.01, position: StreamPosition(partition: partition, offset: 1_000_000 + Int64(index)))
        }, packs: .empty))
        let replaced = try #require(old.changedStates().first?.1)
        try await RuntimeRoleSession.administrator(environment).run { client in
            try await client.query("""
                UPDATE policy.trigger_windows
                SET state = \(ByteBuffer(bytes: replaced.snapshot)), kafka_partition = \(partition), kafka_offset = 1000003,
                    newest_offsets = \(replaced.newestOffsetsJSON)::jsonb
                WHERE tenant_id = \(tenant) AND route_id = 'reborn-chat'
                """)
        }
        try await stack.restart("policy")
        #expect(try await checkpointedEvents(tenant: tenant, "reborn-chat") == 4)

        // The fifth slow event counts, and breaches the trigger; the checkpoint follows it into
        // the new log's generation.
        try await postSlow(admin, "reborn-chat", 4..<5)
        let breaches = try await breachCounts(admin, "reborn-chat")
        #expect(breaches == [5], "\(breaches)")
        try await poll(timeout: .seconds(60), what: "the checkpoint in the new generation") {
            try await checkpoint(tenant: tenant, "reborn-chat")?.generation == 1
        }
        #expect(try await checkpointedEvents(tenant: tenant, "reborn-chat") == 5)
        try await stack.stop()
    }

    /// The partition and log generation of the route's checkpoint, read as the superuser.
    func checkpoint(tenant: UUID, _ route: String) async throws -> (partition: Int32, generation: Int64)? {
        try await RuntimeRoleSession.administrator(environment).run { client in
            let rows = try await client.query("""
                SELECT kafka_partition, log_generation FROM policy.trigger_windows WHERE tenant_id = \(tenant) AND route_id = \(route)
                """)
            for try await (partition, generation) in rows.decode((Int32, Int64).self) { return (partition, generation) }
            return nil
        }
    }

    @Test func aStaleSaveNeverReplacesTriggerWindowsThatCountedFurther() async throws {
        let tenant = UUID()
        // Saves through `policy.save_trigger_windows` as the policy service's own role, each a
        // state named by its bytes, then reads which state the row holds.
        let saves: [(state: String, partition: Int32, offset: Int64, newest: String)] = [
            ("first", 0, 80, #"{"0":80}"#),
            // The topic's partition count changed: the new owner carries partition 0's count on.
            ("moved", 1, 10, #"{"0":80,"1":10}"#),
            // An instance that lost partition 0 finishes its batch, behind in partition 0 (the
            // rule before compared only the last partition, and let this through).
            ("stale", 0, 50, #"{"0":50}"#),
            // A redelivery counted by an instance behind in the same partition.
            ("behind", 1, 9, #"{"0":80,"1":9}"#),
            ("onward", 1, 12, #"{"0":80,"1":12}"#),
            // A state with no partition in common (its checkpoint did not load): nothing to compare.
            ("fresh", 2, 3, #"{"2":3}"#),
        ]
        let scope = TenantScope(tenantID: tenant, subject: "test", roles: [])
        let kept = try await RuntimeRoleSession(environment: environment, service: "policy").run { client in
            var kept: [String] = []
            for save in saves {
                try await Self.saveTriggerWindows(client, scope, route: "route", save)
                kept.append(try await Self.savedTriggerState(client, scope, route: "route"))
            }
            // A row the previous release saved (it leaves `newest_offsets` as it was): its own
            // partition and offset still hold, the offsets that no longer agree with them do not.
            try await RuntimeRoleSession.withTenant(client, scope) { connection in
                try await connection.query("""
                    UPDATE policy.trigger_windows SET state = 'previous-release', kafka_partition = 0, kafka_offset = 90
                    WHERE route_id = 'route'
                    """, logger: Logger(label: "test"))
            }
            for save in [("late", Int32(0), Int64(85), #"{"0":85}"#), ("upgraded", 2, 1, #"{"2":1}"#)] {
                try await Self.saveTriggerWindows(client, scope, route: "route", save)
                kept.append(try await Self.savedTriggerState(client, scope, route: "route"))
            }
            // The runtime topic was recreated: a state counting in the new log (generation 1)
            // replaces the row although its offsets are lower; an instance still counting the
            // old log's offsets (generation 0), or the previous release, which knows no
            // generations, never replaces it again.
            for (save, generation) in [(("reborn", Int32(2), Int64(0), #"{"2":0}"#), Int64(1)), (("old-log", 2, 5, #"{"2":5}"#), 0)] {
                try await Self.saveTriggerWindows(client, scope, route: "route", save, generation: generation)
                kept.append(try await Self.savedTriggerState(client, scope, route: "route"))
            }
            try await RuntimeRoleSession.withTenant(client, scope) { connection in
                try await connection.query("""
                    SELECT policy.save_trigger_windows(ARRAY['route'], ARRAY[convert_to('previous-call', 'UTF8')], ARRAY[2]::integer[],
                                                       ARRAY[9]::bigint[], ARRAY['{"2":9}'::jsonb])
                    """, logger: Logger(label: "test"))
            }
            kept.append(try await Self.savedTriggerState(client, scope, route: "route"))
            // Within the new generation, offsets decide again.
            for save in [("reborn-onward", Int32(2), Int64(1), #"{"2":1}"#), ("reborn-behind", 2, 0, #"{"2":0}"#)] {
                try await Self.saveTriggerWindows(client, scope, route: "route", save, generation: 1)
                kept.append(try await Self.savedTriggerState(client, scope, route: "route"))
            }
            return kept
        }
        #expect(kept == ["first", "moved", "moved", "moved", "onward", "fresh", "previous-release", "upgraded",
                         "reborn", "reborn", "reborn", "reborn-onward", "reborn-onward"])
        try await stack.stop()
    }

    static func saveTriggerWindows(_ client: PostgresClient, _ scope: TenantScope, route: String,
                                   _ save: (state: String, partition: Int32, offset: Int64, newest: String), generation: Int64 = 0) async throws {
        let logger = Logger(label: "test")
        try await RuntimeRoleSession.withTenant(client, scope) { connection in
            try await connection.query("""
                SELECT policy.save_trigger_windows(ARRAY[\(route)], ARRAY[convert_to(\(save.state), 'UTF8')], ARRAY[\(save.partition)]::integer[],
                                                   ARRAY[\(save.offset)]::bigint[], ARRAY[\(save.newest)::jsonb], ARRAY[\(generation)]::bigint[])
                """, logger: logger)
        }
    }

    static func savedTriggerState(_ client: PostgresClient, _ scope: TenantScope, route: String) async throws -> String {
        let logger = Logger(label: "test")
        return try await RuntimeRoleSession.withTenant(client, scope) { connection in
            let rows = try await connection.query(
                "SELECT convert_from(state, 'UTF8') FROM policy.trigger_windows WHERE route_id = \(route)", logger: logger
            )
            for try await state in rows.decode(String.self) { return state }
            return "(none)"
        }
    }

    /// The set of `tenant` at `revision` on the packs topic, read from its start.
    func latestPackSet(tenant: UUID, revision: Int64) async throws -> Palisade_V1_PolicyPackSet? {
        let key = tenant.uuidString.lowercased()
        return try await environment.firstRecord(on: Topic.policyPacks.name) { message in
            guard message.keyText == key, let set = try? Palisade_V1_PolicyPackSet(serializedBytes: message.value),
                  set.revision == revision else { return nil }
            return set
        }
    }
}
