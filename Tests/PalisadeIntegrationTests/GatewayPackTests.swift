import Foundation
import Logging
import PalisadeAuth
import PalisadeEvents
import PalisadeKafka
import PalisadePolicy
import Testing

/// The gateway's route policy step with packs from the packs topic: it enforces what the
/// policy service activates, refuses a pack edited after signing, signed by an unknown key or
/// unsigned (published straight onto the topic, as a compromised publisher would) while it
/// keeps serving the version it had, takes only sets the policy service sealed (so writing to
/// the topic cannot drop a pack, turn one to shadow or bring back an old version), and records
/// shadow packs without obeying them.
@Suite(.serialized) final class GatewayPackTests {
    let environment: TestEnvironment
    let stack: ServiceStack
    let provider: StandInServer
    let signingKey = PackSigningKey(keyID: "ci-gateway")
    /// The policy service's seal key (`scripts/test` makes it and gives it to every service).
    let sealKey: PackSigningKey
    let keysFile: String

    init() async throws {
        environment = try TestEnvironment.load()
        let sealKeyFile = try #require(ProcessInfo.processInfo.environment["PALISADE_POLICY_SET_SIGNING_KEY_FILE"])
        sealKey = try PackSigningKey(json: try Data(contentsOf: URL(fileURLWithPath: sealKeyFile)))
        keysFile = "\(environment["PALISADE_TEST_STATE"])/trusted-pack-keys-\(UUID().uuidString.prefix(8)).json"
        try Data(CanonicalJSON.object(["keys": .array([signingKey.verifyingKey.jsonObject])]).bytes)
            .write(to: URL(fileURLWithPath: keysFile))
        provider = try await StandInServer(script: "fake_llm.py", arguments: [], environment: environment)
        stack = try await ServiceStack(["policy", "incidents"], environment: environment, extra: [
            "PALISADE_POLICY_TRUSTED_KEYS_FILE": keysFile, "PALISADE_PROXY_UPSTREAM_HOSTS": "127.0.0.1",
            // These tests forge sets on the topic that the repair would mend: it runs only at
            // start here, and often only where a test starts a policy instance for it.
            "PALISADE_POLICY_PACK_REPAIR_SECONDS": "86400",
        ])
    }

    deinit {
        provider.stop()
        try? FileManager.default.removeItem(atPath: keysFile)
    }

    static func guardPack(version: String, rules: String) -> String {
        """
        id: llm-guard
        version: \(version)
        default_action: allow
        rules:
        \(rules)
        """
    }

    static let forbidsModel = "  - {rule_id: no_forbidden_model, when: 'model eq \"forbidden\"', action: deny}"

    func chat(_ proxy: APIClient, model: String) async throws -> HTTP.Answer {
        try await proxy.post("/v1/proxy/openai/v1/chat/completions", json: [
            "model": model, "messages": [["role": "user", "content": "Say hello."]],
        ])
    }

    /// Stores the pack, signed, without activating it.
    @discardableResult
    func create(_ admin: APIClient, _ yaml: String) async throws -> PolicyPack {
        let pack = try PackReader.read(yaml)
        let body = SignedPack(pack: pack, signature: try signingKey.sign(pack)).canonicalJSON.bytes
        let stored = try await HTTP.send(.POST, admin.base + "/v1/policy-packs", token: admin.credential, contentType: "application/json",
                                         body: Data(body))
        #expect(stored.status == 201, "\(stored.text)")
        return pack
    }

    func activate(_ admin: APIClient, _ yaml: String, mode: String = "enforce") async throws -> Int64 {
        let pack = try await create(admin, yaml)
        let activated = try await admin.post("/v1/policy-packs/\(pack.id)/activate", json: ["version": pack.version.description, "mode": mode])
        #expect(activated.status == 200, "\(activated.text)")
        return activated.json["revision"] as? Int64 ?? Int64(activated.json["revision"] as? Int ?? 0)
    }

    /// A set as a publisher past the policy service would write it, unsealed.
    func packSet(tenant: UUID, revision: Int64, pack: PolicyPack?, signature: PackSignature?, mode: String = "enforce") -> Palisade_V1_PolicyPackSet {
        var set = Palisade_V1_PolicyPackSet()
        set.tenantID = tenant.uuidString.lowercased()
        set.revision = revision
        if let pack {
            var active = Palisade_V1_ActivePack()
            active.packID = pack.id
            active.version = pack.version.description
            active.mode = mode
            active.document = Data(pack.canonicalJSON.bytes)
            if let signature {
                active.keyID = signature.keyID
                active.signature = signature.value
            }
            set.packs = [active]
        }
        return set
    }

    /// Publishes a set straight onto the packs topic, sealed with the policy service's own key
    /// (to reach the checks of each pack).
    func publish(tenant: UUID, revision: Int64, pack: PolicyPack, signature: PackSignature?) async throws {
        var set = packSet(tenant: tenant, revision: revision, pack: pack, signature: signature)
        try set.seal(with: sealKey)
        try await send(set)
    }

    func send(_ set: Palisade_V1_PolicyPackSet) async throws {
        let producer = try KafkaProducer(configuration: KafkaConfiguration(bootstrapServers: try environment.kafkaBrokers(), clientID: "test-forger"),
                                         logger: Logger(label: "test"))
        _ = try await producer.send(KafkaRecord(topic: .policyPacks, tenantID: set.tenantID, protobuf: try set.serializedBytes(),
                                                trace: RecordTrace(requestID: "forged")))
        await producer.shutdown()
    }

    /// A tenant with an OpenAI route to the stand-in provider: its admin and an agent's key.
    func tenantWithRoute(_ tenant: UUID) async throws -> (admin: APIClient, proxy: APIClient) {
        let admin = APIClient(base: stack.gatewayURL, credential: try await environment.token(tenant: tenant))
        #expect(try await admin.post("/v1/provider-keys", json: ["provider": "openai", "name": "prod", "key": "sk-tenant-" + String(repeating: "9", count: 32)]).status == 201)
        #expect(try await admin.post("/v1/routes", json: [
            "route_id": "openai", "provider": "openai", "upstream_base_url": "http://127.0.0.1:\(provider.port)",
        ]).status == 201)
        let proxy = APIClient(base: stack.gatewayURL, credential: try await admin.createKey(name: "agent", capabilities: [Capability.proxyUse]).key)
        return (admin, proxy)
    }

    @Test func onlySetsThePolicyServiceSealedAreTaken() async throws {
        let tenant = UUID()
        let (admin, proxy) = try await tenantWithRoute(tenant)
        let yaml = Self.guardPack(version: "1.0.0", rules: Self.forbidsModel)
        let revision = try await activate(admin, yaml)
        try await poll(timeout: .seconds(30), what: "the gateway to enforce 1.0.0") {
            try await chat(proxy, model: "forbidden").status == 403
        }
        let pack = try PackReader.read(yaml)
        let signature = try signingKey.sign(pack)

        // Each would lift the block: no packs at all, or the same pack in shadow mode.
        var shadowed = packSet(tenant: tenant, revision: revision + 3, pack: pack, signature: signature)
        try shadowed.seal(with: sealKey)
        shadowed.packs[0].mode = "shadow"                                    // changed after sealing
        var renumbered = packSet(tenant: tenant, revision: revision, pack: nil, signature: nil)
        try renumbered.seal(with: sealKey)
        renumbered.revision = revision + 4                                    // an old sealed set, renumbered
        var impostor = packSet(tenant: tenant, revision: revision + 2, pack: nil, signature: nil)
        try impostor.seal(with: PackSigningKey(keyID: sealKey.keyID))         // another key under the trusted id
        var stranger = packSet(tenant: tenant, revision: revision + 5, pack: pack, signature: signature, mode: "shadow")
        try stranger.seal(with: PackSigningKey(keyID: "stranger"))
        let forgeries = [packSet(tenant: tenant, revision: revision + 1, pack: nil, signature: nil), impostor, shadowed, renumbered, stranger]
        for (index, forgery) in forgeries.enumerated() {
            try await send(forgery)
            try await poll(timeout: .seconds(30), what: "set refusal \(index + 1) in the ledger") {
                try await admin.ledger(kind: "gateway.pack_refused").count == index + 1
            }
            #expect(try await chat(proxy, model: "forbidden").status == 403, "forgery \(index + 1) must leave 1.0.0 enforced")
        }
        let refusals = try await admin.ledger(kind: "gateway.pack_refused").compactMap { $0["subject"] as? [String: Any] }
        #expect(refusals.allSatisfy { $0["pack_id"] as? String == "*" }, "\(refusals)")
        let reasons = refusals.compactMap { $0["reason"] as? String }
        #expect(reasons.filter { $0.contains("not sealed") }.count == 1, "\(reasons)")
        #expect(reasons.filter { $0.contains("does not match") }.count == 3, "\(reasons)")
        #expect(reasons.contains { $0.contains("stranger") && $0.contains("does not trust") }, "\(reasons)")

        // The policy service's next set (numbered after its own last) is taken.
        _ = try await activate(admin, Self.guardPack(version: "2.0.0", rules: "  - {rule_id: nothing, when: 'model eq \"none\"', action: deny}"))
        try await poll(timeout: .seconds(30), what: "the gateway to enforce 2.0.0") {
            try await chat(proxy, model: "forbidden").status == 200
        }
        try await stack.stop()
    }

    /// What the scan could not read reaches the packs as findings of category `unscanned`.
    @Test func aPackCanRefuseOrHoldWhatTheScanCouldNotRead() async throws {
        let (admin, proxy) = try await tenantWithRoute(UUID())
        _ = try await activate(admin, Self.guardPack(version: "1.0.0", rules: """
              - {rule_id: no_unread_documents, when: 'findings contains "document"', action: deny}
              - {rule_id: unread_content_needs_review, when: 'findings.categories contains "unscanned"', action: require_approval}
            """))
        func ask(_ part: [String: Any]) async throws -> HTTP.Answer {
            try await proxy.post("/v1/proxy/openai/v1/chat/completions", json: [
                "model": "plain", "messages": [["role": "user", "content": [part, ["type": "text", "text": "What is this?"]]]],
            ])
        }
        let pdf = Data("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF".utf8).base64EncodedString()
        let document = ["type": "file", "file": ["filename": "report.pdf", "file_data": "data:application/pdf;base64,\(pdf)"]] as [String: Any]
        try await poll(timeout: .seconds(30), what: "the gateway to enforce the pack") {
            try await ask(document).status == 403
        }
        let refused = try await ask(document)
        #expect((refused.json["error"] as? [String: Any])?["code"] as? String == "policy_denied", "\(refused.text)")
        let image = try await ask(["type": "image_url", "image_url": ["url": "https://example.com/cat.png"]])
        #expect(image.status == 200, "\(image.text)")
        #expect(image.headers["x-palisade-decision"] == "review")
        // A file whose bytes are text is read, so nothing about it is unscanned.
        let notes = try await ask(["type": "file", "file": ["filename": "notes.txt", "file_data": Data("Quarterly numbers look fine.".utf8).base64EncodedString()]])
        #expect(notes.status == 200, "\(notes.text)")
        #expect(notes.headers["x-palisade-decision"] == "allow")
        try await stack.stop()
    }

    @Test func onlyTrustedPacksAreEnforcedAndABadOneLeavesTheLastGoodInForce() async throws {
        let tenant = UUID()
        let (admin, proxy) = try await tenantWithRoute(tenant)

        let revision = try await activate(admin, Self.guardPack(version: "1.0.0", rules: Self.forbidsModel))
        try await poll(timeout: .seconds(30), what: "the gateway to enforce 1.0.0") {
            try await chat(proxy, model: "forbidden").status == 403
        }
        let blocked = try await chat(proxy, model: "forbidden")
        #expect(blocked.headers["x-palisade-decision"] == "block")
        #expect(blocked.text.contains("policy_denied"), "\(blocked.text)")
        #expect(try await chat(proxy, model: "plain").status == 200)

        // Three bad publications of a 2.0.0 that would allow the forbidden model.
        let loose = try PackReader.read(Self.guardPack(version: "2.0.0", rules: "  - {rule_id: nothing, when: 'model eq \"none\"', action: deny}"))
        var edited = loose
        edited.rules[0].when = "model eq \"nothing-at-all\""
        let forgeries: [(PolicyPack, PackSignature?)] = [
            (edited, try signingKey.sign(loose)),                          // edited after signing
            (loose, try PackSigningKey(keyID: "ci-gateway").sign(loose)),  // another key under the trusted id
            (loose, try PackSigningKey(keyID: "stranger").sign(loose)),    // a key nobody trusts
            (loose, nil),                                                  // unsigned
        ]
        for (index, (pack, signature)) in forgeries.enumerated() {
            try await publish(tenant: tenant, revision: revision + 1 + Int64(index), pack: pack, signature: signature)
            try await poll(timeout: .seconds(30), what: "refusal \(index + 1) in the ledger") {
                try await admin.ledger(kind: "gateway.pack_refused").count == index + 1
            }
            #expect(try await chat(proxy, model: "forbidden").status == 403, "forgery \(index + 1) must leave 1.0.0 in force")
        }
        let reasons = try await admin.ledger(kind: "gateway.pack_refused").compactMap { ($0["subject"] as? [String: Any])?["reason"] as? String }
        #expect(reasons.filter { $0.contains("does not match") }.count == 2, "\(reasons)")
        #expect(reasons.contains { $0.contains("stranger") && $0.contains("does not trust") }, "\(reasons)")
        #expect(reasons.contains { $0.contains("unsigned") }, "\(reasons)")

        // A good 2.0.0 through the policy service is taken.
        _ = try await activate(admin, Self.guardPack(version: "2.0.0", rules: "  - {rule_id: nothing, when: 'model eq \"none\"', action: deny}"))
        try await poll(timeout: .seconds(30), what: "the gateway to enforce 2.0.0") {
            try await chat(proxy, model: "forbidden").status == 200
        }

        // A shadow pack that would block everything changes no answer and is recorded.
        let lockdown = """
            id: lockdown
            version: 1.0.0
            default_action: deny
            rules:
              - {rule_id: everything, when: 'model exists', action: deny}
            """
        _ = try await activate(admin, lockdown, mode: "shadow")
        var requestIDs: Set<String> = []
        try await poll(timeout: .seconds(30), what: "a call recorded with the shadow pack") {
            let answer = try await chat(proxy, model: "plain")
            #expect(answer.status == 200)
            #expect(answer.headers["x-palisade-decision"] == "allow")
            requestIDs.insert(answer.headers["x-request-id"] ?? "")
            return try await admin.ledger(kind: "gateway.decision").contains { record in
                guard requestIDs.contains(record["request_id"] as? String ?? ""), let subject = record["subject"] as? [String: Any] else { return false }
                let shadow = subject["shadow"] as? [[String: Any]] ?? []
                return shadow.contains { $0["pack_id"] as? String == "lockdown" && $0["decision"] as? String == "deny" }
            }
        }
        try await stack.stop()
    }

    /// The tenant's last set on the packs topic (what compaction will leave of it).
    func lastSet(_ tenant: UUID) async throws -> Palisade_V1_PolicyPackSet? {
        guard let message = try await environment.lastRecord(on: .policyPacks, key: tenant.uuidString.lowercased()) else { return nil }
        return try Palisade_V1_PolicyPackSet(serializedBytes: message.value)
    }

    func storedRevision(_ tenant: UUID) async throws -> Int64? {
        try await RuntimeRoleSession.administrator(environment).run { client in
            let rows = try await client.query("SELECT revision FROM policy.pack_sets WHERE tenant_id = \(tenant)")
            for try await revision in rows.decode(Int64.self) { return revision }
            return nil
        }
    }

    /// Whether `set` is sealed by the policy service and holds exactly `packs` (id and version).
    func isStored(_ set: Palisade_V1_PolicyPackSet?, revision: Int64, packs: [String]) -> Bool {
        guard let set, set.revision == revision else { return false }
        let trust = PackSetTrust(keys: TrustedPackKeys([sealKey.verifyingKey]), allowUnsealed: false)
        return trust.refusal(message: set.sealMessage, seal: set.sealSignature) == nil && set.packs.map { "\($0.packID) \($0.version)" } == packs
    }

    /// Changes of one tenant's set made at once are sent in the order they were stored: two
    /// overlapping outbox flushes could send an older set after a newer one, and compaction
    /// would then leave the older one for every gateway started later.
    @Test func setsChangedAtOnceLeaveTheTopicEndingWithTheStoredOne() async throws {
        let tenant = UUID()
        let admin = APIClient(base: stack.gatewayURL, credential: try await environment.token(tenant: tenant))
        let versions = (0..<8).map { "2.\($0).0" }
        for version in versions { try await create(admin, Self.guardPack(version: version, rules: Self.forbidsModel)) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for version in versions {
                group.addTask {
                    let activated = try await admin.post("/v1/policy-packs/llm-guard/activate", json: ["version": version, "mode": "enforce"])
                    #expect(activated.status == 200, "\(activated.text)")
                }
            }
            try await group.waitForAll()
        }
        let stored = try #require(try await storedRevision(tenant))
        #expect(stored == Int64(versions.count))
        try await poll(timeout: .seconds(30), what: "every outbox record of the tenant published") {
            try await RuntimeRoleSession.administrator(environment).run { client in
                let rows = try await client.query("SELECT count(*) FROM policy.outbox WHERE tenant_id = \(tenant) AND published_at IS NULL")
                for try await pending in rows.decode(Int64.self) { return pending == 0 }
                return false
            }
        }
        #expect(try await lastSet(tenant)?.revision == stored)
    }

    /// A newly started gateway finds a tenant's set only on the packs topic, and enforces none
    /// when it is not there; so the policy service makes the topic end, for every tenant, with
    /// the set the database holds: it publishes the set again when the topic lost it, when an
    /// older publication landed after it, or when its last record is one no gateway takes; and
    /// when the topic holds a later revision than the database (restored from a backup), it
    /// raises the stored revision past it, since gateways take only later revisions.
    @Test func thePacksTopicIsMadeToEndWithTheStoredSet() async throws {
        let tenant = UUID()
        let (admin, proxy) = try await tenantWithRoute(tenant)
        // A set the topic lost: stored as an activation stores it, and never published.
        try await create(admin, Self.guardPack(version: "1.0.0", rules: Self.forbidsModel))
        try await RuntimeRoleSession.administrator(environment).run { client in
            try await client.query("""
                INSERT INTO policy.pack_activations (tenant_id, pack_id, version, mode, activated_by)
                VALUES (\(tenant), 'llm-guard', '1.0.0', 'enforce', 'test')
                """)
            try await client.query("INSERT INTO policy.pack_sets (tenant_id, revision) VALUES (\(tenant), 1)")
        }
        #expect(try await chat(proxy, model: "forbidden").status == 200, "a set the topic does not hold is not enforced")
        #expect(try await lastSet(tenant) == nil)

        let repairer = try await stack.startAnother("policy", overrides: ["PALISADE_POLICY_PACK_REPAIR_SECONDS": "1"])
        try await poll(timeout: .seconds(30), what: "the lost set published and enforced") {
            try await chat(proxy, model: "forbidden").status == 403
        }
        #expect(isStored(try await lastSet(tenant), revision: 1, packs: ["llm-guard 1.0.0"]))

        // An older set landing after the newest, as a late publication would.
        let revision = try await activate(admin, Self.guardPack(version: "1.1.0", rules: Self.forbidsModel))
        var older = packSet(tenant: tenant, revision: revision - 1, pack: nil, signature: nil)
        try older.seal(with: sealKey)
        try await send(older)
        try await poll(timeout: .seconds(30), what: "the stored set last again after an older one") {
            isStored(try await lastSet(tenant), revision: revision, packs: ["llm-guard 1.1.0"])
        }

        // A last record no gateway takes: unsealed.
        try await send(packSet(tenant: tenant, revision: revision + 40, pack: nil, signature: nil))
        try await poll(timeout: .seconds(30), what: "the stored set last again after an unsealed one") {
            isStored(try await lastSet(tenant), revision: revision, packs: ["llm-guard 1.1.0"])
        }
        #expect(try await chat(proxy, model: "forbidden").status == 403)

        // A later revision on the topic than in the database: gateways take it, and would
        // ignore the database's next changes until their revisions passed it.
        var ahead = packSet(tenant: tenant, revision: revision + 8, pack: nil, signature: nil)
        try ahead.seal(with: sealKey)
        try await send(ahead)
        try await poll(timeout: .seconds(30), what: "the stored revision raised past the topic's and enforced") {
            guard try await storedRevision(tenant) == revision + 9 else { return false }
            guard isStored(try await lastSet(tenant), revision: revision + 9, packs: ["llm-guard 1.1.0"]) else { return false }
            return try await chat(proxy, model: "forbidden").status == 403
        }

        // Each republication is in the ledger, with what was found.
        try await poll(timeout: .seconds(30), what: "the republications in the ledger") {
            let findings = try await admin.ledger(kind: "policy.pack_set_republished")
                .compactMap { ($0["subject"] as? [String: Any])?["finding"] as? String }
            return Set(findings) == ["missing", "behind", "unusable", "ahead"]
        }
        // And counted (tenants earlier tests left behind may count too), with when a sweep
        // last went through every tenant.
        for finding in ["missing", "behind", "unusable", "ahead"] {
            #expect((try await repairer.metric("palisade_policy_pack_sets_republished_total{finding=\"\(finding)\"}") ?? 0) >= 1, "\(finding)")
        }
        #expect((try await repairer.metric("palisade_policy_pack_repair_completed_seconds") ?? 0) > Date().timeIntervalSince1970 - 600)
        _ = try await repairer.terminate()
        try await stack.stop()
    }
}
