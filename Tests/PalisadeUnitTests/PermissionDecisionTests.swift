@testable import PalisadePolicy
import Testing

@Suite struct PermissionDecisionTests {
    static let pack = """
        id: agents
        version: 2.0.0
        resource_classes:
          export: ["tool:crm.export", "tool:export.*"]
          admin: ["tool:admin.*"]
          write: ["tool:db.write"]
        roles:
          viewer:
            permissions:
              - actions: [read]
                resources: ["tool:crm.*", "tool:kb.*"]
          analyst:
            permissions:
              - actions: [read, search]
                resources: ["tool:crm.*", "tool:kb.*"]
              - actions: [execute]
                resources: ["tool:crm.export", "tool:db.write"]
            sensitive:
              export: require_approval
              write: deny
          admin:
            permissions:
              - actions: ["*"]
                resources: ["*"]
            sensitive:
              export: allow
              admin: allow
              write: allow
          superbot:
            permissions:
              - actions: ["*"]
                resources: ["*"]
            sensitive:
              export: allow
              admin: allow
              write: allow
        agents:
          helper: {roles: [viewer]}
          rogue: {roles: [superbot]}
        rules:
          - rule_id: night_exports
            when: 'action eq "execute" and resource.classes contains "export" and context.hour lt 6'
            action: deny
          - rule_id: big_reads
            when: 'action eq "read" and context.rows gt 10000'
            action: require_approval
          - rule_id: always_fine
            when: 'action eq "read"'
            action: allow
        """

    let compiled: CompiledPack

    init() throws {
        compiled = try CompiledPack(PackReader.read(Self.pack))
    }

    func decide(_ user: [String], agent: String? = nil, agentRoles: [String] = [], _ action: String, _ resource: String,
                context: [String: PolicyValue] = [:]) -> PackDecision {
        compiled.decide(DecisionInput(user: "u", agent: agent, roles: user, agentRoles: agentRoles, action: action, resource: resource,
                                      context: context))
    }

    @Test func rolesGrantAndEverythingElseIsDenied() {
        let read = decide(["viewer"], "read", "tool:kb.article")
        #expect(read.effect == .allow && read.reason == .roleGrant)
        #expect(compiled.path(of: read) == "roles/viewer/permissions/0")
        let write = decide(["viewer"], "delete", "tool:kb.article")
        #expect(write.effect == .deny && write.reason == .roleRestriction)
        #expect(decide([], "read", "tool:kb.article").effect == .deny)
        #expect(decide(["no-such-role"], "read", "tool:kb.article").effect == .deny)
        #expect(compiled.roleRequired(for: DecisionInput(user: "u", action: "delete", resource: "tool:kb.article")) == "admin")
    }

    @Test func sensitiveClassesAreDeniedApprovedOrAllowedPerRole() {
        let export = decide(["analyst"], "execute", "tool:crm.export")
        #expect(export.effect == .requireApproval && export.reason == .sensitiveClass)
        #expect(compiled.path(of: export) == "roles/analyst/sensitive/export")
        let write = decide(["analyst"], "execute", "tool:db.write")
        #expect(write.effect == .deny && write.reason == .sensitiveClass)
        #expect(decide(["admin"], "execute", "tool:db.write").effect == .allow)
        // A class the role does not name is denied to it, whatever its permissions say.
        let adminTool = decide(["analyst", "viewer"], "read", "tool:admin.users")
        #expect(adminTool.effect == .deny)
        // The most permissive role of the subject counts.
        #expect(decide(["analyst", "admin"], "execute", "tool:crm.export").effect == .allow)
    }

    @Test func anAgentGetsOnlyWhatBothItAndItsUserMay() {
        // The agent may read, its user may not: denied.
        let userLacks = decide([], agent: "helper", "read", "tool:kb.article")
        #expect(userLacks.effect == .deny)
        // The user may export with approval, the viewer agent may not at all: denied, and the agent is why.
        let agentLacks = decide(["analyst"], agent: "helper", "execute", "tool:crm.export")
        #expect(agentLacks.effect == .deny && agentLacks.reason == .agentRestriction)
        // Both may read.
        #expect(decide(["analyst"], agent: "helper", "search", "tool:crm.accounts").effect == .deny)
        #expect(decide(["analyst"], agent: "helper", "read", "tool:crm.accounts").effect == .allow)
    }

    @Test func anAgentWithMoreRightsThanItsUserIsHeldToTheUser() {
        // `rogue` may do anything; its viewer user may only read.
        #expect(decide(["viewer"], agent: "rogue", "read", "tool:crm.accounts").effect == .allow)
        #expect(decide(["viewer"], agent: "rogue", "delete", "tool:crm.accounts").effect == .deny)
        #expect(decide(["viewer"], agent: "rogue", "execute", "tool:admin.users").effect == .deny)
        #expect(decide(["analyst"], agent: "rogue", "execute", "tool:crm.export").effect == .requireApproval)
        // An agent the pack does not know has only the roles the request names for it, never more than the user.
        #expect(decide(["admin"], agent: "unknown", agentRoles: ["viewer"], "delete", "tool:kb.article").effect == .deny)
        #expect(decide(["viewer"], agent: "unknown", agentRoles: ["admin"], "delete", "tool:kb.article").effect == .deny)
        #expect(decide(["admin"], agent: "unknown", "read", "tool:kb.article").effect == .deny)
    }

    /// The engine compares names as Swift strings, where canonically equivalent spellings are
    /// equal ("\u{212A}", the Kelvin sign, is "K"). Its name tables hashed bytes, so such a
    /// spelling missed them: an agent the pack holds to a viewer, named with the sign, took the
    /// roles the request gave it, and a context key so spelt escaped a rule in a small context
    /// (a large one is looked up by `Dictionary`, which agreed with the strings).
    @Test func namesSpeltDifferentlyButEqualAreTheSameName() throws {
        let pack = try CompiledPack(PackReader.read("""
            id: kelvin
            version: 1.0.0
            roles:
              viewer:
                permissions:
                  - actions: [read]
                    resources: ["*"]
              Keeper:
                permissions:
                  - actions: ["*"]
                    resources: ["*"]
            agents:
              Kbot: {roles: [viewer]}
            rules:
              - rule_id: no_secrets
                when: 'context.Kind eq "secret"'
                action: deny
            """))
        let kelvin = "\u{212A}"
        #expect("\(kelvin)bot" == "Kbot")
        func decide(_ roles: [String], agent: String? = nil, agentRoles: [String] = [], _ action: String,
                    context: [String: PolicyValue] = [:]) -> PolicyEffect {
            pack.decide(DecisionInput(user: "u", agent: agent, roles: roles, agentRoles: agentRoles, action: action,
                                      resource: "tool:kb.article", context: context)).effect
        }
        #expect(decide(["Keeper"], agent: "Kbot", agentRoles: ["Keeper"], "delete") == .deny)
        #expect(decide(["Keeper"], agent: "\(kelvin)bot", agentRoles: ["Keeper"], "delete") == .deny)
        #expect(decide(["\(kelvin)eeper"], "delete") == .allow)
        #expect(decide(["Keeper"], "read", context: ["\(kelvin)ind": .string("secret")]) == .deny)
        var large: [String: PolicyValue] = ["\(kelvin)ind": .string("secret")]
        for index in 0..<8 { large["filler\(index)"] = .number(Double(index)) }
        #expect(decide(["Keeper"], "read", context: large) == .deny)
    }

    @Test func rulesOnlyTightenWhatRolesGrant() {
        let night = decide(["admin"], "execute", "tool:export.csv", context: ["hour": .number(3)])
        #expect(night.effect == .deny && night.reason == .ruleMatched)
        #expect(compiled.path(of: night) == "rules/night_exports")
        #expect(decide(["admin"], "execute", "tool:export.csv", context: ["hour": .number(14)]).effect == .allow)
        let big = decide(["viewer"], "read", "tool:crm.accounts", context: ["rows": .number(50_000)])
        #expect(big.effect == .requireApproval && compiled.path(of: big) == "rules/big_reads")
        // `always_fine` matches but cannot lift the role's deny.
        #expect(decide([], "read", "tool:crm.accounts").effect == .deny)
    }

    @Test func withoutRolesRulesDecideAndTheDefaultCoversTheRest() throws {
        let pack = try CompiledPack(PackReader.read("""
            id: gateway-routes
            version: 1.0.0
            default_action: deny
            rules:
              - rule_id: no_secrets
                when: 'findings.categories contains "secret"'
                action: deny
              - rule_id: review_gpt
                when: 'model starts_with "gpt-"'
                action: require_approval
              - rule_id: allowed_providers
                when: 'provider in ["anthropic", "openai"]'
                action: allow
            """))
        func decide(model: String, provider: String, categories: [String] = []) -> PackDecision {
            pack.decide(DecisionInput(user: "u", action: "llm.call", resource: "prod-chat", model: model, provider: provider,
                                      findingCategories: categories))
        }
        #expect(decide(model: "claude-3", provider: "anthropic").effect == .allow)
        #expect(decide(model: "gpt-4o", provider: "openai").effect == .requireApproval)
        #expect(decide(model: "gpt-4o", provider: "openai", categories: ["secret"]).effect == .deny)
        let other = decide(model: "x", provider: "elsewhere")
        #expect(other.effect == .deny && other.reason == .defaultAction && pack.path(of: other) == "default_action")
    }

    @Test func rulesIndexedByActionDecideAsIfAllWereEvaluated() throws {
        // The same rules, once naming their action (indexed) and once behind an `or` (always evaluated).
        let indexed = try CompiledPack(PackReader.read("""
            id: a
            version: 1.0.0
            default_action: allow
            rules:
              - {rule_id: r1, when: 'action eq "export" and context.n gt 5', action: require_approval}
              - {rule_id: r2, when: 'action in ["export", "delete"] and context.n gt 50', action: deny}
            """))
        let unindexed = try CompiledPack(PackReader.read("""
            id: a
            version: 1.0.0
            default_action: allow
            rules:
              - {rule_id: r1, when: '(action eq "export" or context.never exists) and context.n gt 5', action: require_approval}
              - {rule_id: r2, when: '(action in ["export", "delete"] or context.never exists) and context.n gt 50', action: deny}
            """))
        for action in ["export", "delete", "read"] {
            for n in [0.0, 10, 100] {
                let input = DecisionInput(user: "u", action: action, resource: "r", context: ["n": .number(n)])
                #expect(indexed.decide(input) == unindexed.decide(input), "\(action) \(n)")
            }
        }
        #expect(indexed.decide(DecisionInput(user: "u", action: "delete", resource: "r", context: ["n": .number(100)])).effect == .deny)
    }

    /// A test written in several rules runs once per decision; its outcome is the decision's
    /// own (never the previous one's), whether the context is walked or looked up by key.
    @Test func testsSharedByRulesAreDecidedPerRequest() throws {
        let pack = try CompiledPack(PackReader.read("""
            id: shared
            version: 1.0.0
            default_action: allow
            rules:
              - {rule_id: crm_eu, when: 'resource starts_with "tool:crm." and context.region eq "eu"', action: deny}
              - {rule_id: crm_big, when: 'resource starts_with "tool:crm." and context.rows gt 100', action: require_approval}
              - {rule_id: not_crm, when: 'not resource starts_with "tool:crm." and context.rows gt 100', action: deny}
            """))
        func decide(_ resource: String, _ context: [String: PolicyValue]) -> (PolicyEffect, String) {
            let decision = pack.decide(DecisionInput(user: "u", action: "read", resource: resource, context: context))
            return (decision.effect, pack.path(of: decision))
        }
        let padding = Dictionary(uniqueKeysWithValues: (0..<20).map { ("unread\($0)", PolicyValue.number(Double($0))) })
        for extra in [[:], padding] {
            let context = { (values: [String: PolicyValue]) in values.merging(extra) { own, _ in own } }
            #expect(decide("tool:crm.accounts", context(["region": .string("eu"), "rows": .number(500)])) == (.deny, "rules/crm_eu"))
            #expect(decide("tool:crm.accounts", context(["region": .string("us"), "rows": .number(500)])) == (.requireApproval, "rules/crm_big"))
            #expect(decide("tool:kb.article", context(["region": .string("eu"), "rows": .number(500)])) == (.deny, "rules/not_crm"))
            #expect(decide("tool:kb.article", context(["region": .string("eu"), "rows": .number(5)])) == (.allow, "default_action"))
            #expect(decide("tool:crm.accounts", context(["rows": .number(5)])) == (.allow, "default_action"))
        }
    }
}

@Suite struct NameTableTests {
    @Test func everyNameIsFoundAndOthersAreNot() {
        let names = (0..<300).map { "name-\($0)" } + ["", "é", String(repeating: "long", count: 40)]
        let table = NameTable(names.enumerated().map { ($1, $0) })
        for (index, name) in names.enumerated() { #expect(table.value(of: name) == index, "\(name)") }
        for missing in ["name-300", "name", "e", "Name-1", String(repeating: "long", count: 39)] {
            #expect(table.value(of: missing) == nil, "\(missing)")
        }
        #expect(NameTable([]).value(of: "anything") == nil)
    }

    @Test func theFirstOfTwoEntriesWithOneNameCounts() {
        #expect(NameTable([("a", 1), ("a", 2)]).value(of: "a") == 1)
    }
}
