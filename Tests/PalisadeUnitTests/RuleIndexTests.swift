import PalisadeGuardQuality
@testable import PalisadePolicy
import Testing

/// The rule index only narrows which rules a decision evaluates: deciding with it must give
/// what evaluating every rule gives, for values the tables answer exactly and for those they
/// cannot (canonically equivalent non-ASCII strings, substrings, lists, other types).
@Suite struct RuleIndexTests {
    static let conditions = [
        #"action eq "read""#,
        #"action in ["write", "delete"] and context.amount gt 100"#,
        #"resource starts_with "tool:crm." and context.region in ["eu", "xx"]"#,
        #"resource starts_with "tool:c" or resource starts_with "tool:crm.export""#,
        #"resource eq "tool:kb.item1""#,
        #"subject.roles contains "admin" and not (context.mfa eq true)"#,
        #"subject.roles in ["ops", "sre", "K"]"#,
        #"findings contains "openai_api_key""#,
        #"findings.categories in ["secret"]"#,
        #"context.tags contains "pii" and action ne "read""#,
        #"context.tags in ["finance", "legal"]"#,
        #"context.destination starts_with "https://paste""#,
        #"context.destination contains "evil""#,
        #"context.unit eq "K""#,
        #"context.region eq "é""#,
        #"model starts_with "gpt-4""#,
        #"model eq "claude-3" or provider eq "anthropic""#,
        #"not (context.region eq "eu")"#,
        #"context.amount gt 5000 or context.region eq "cn""#,
        #"(context.hour lt 6 or context.hour gte 22) and resource starts_with "tool:db.""#,
        #"context.tags contains "internal" or context.destination starts_with "ftp:""#,
        #"context.region in ["us"] and context.destination starts_with "https://files""#,
        #"subject.agent eq "helper" and route starts_with "/v1/""#,
        #"context.ticket.priority eq "high""#,
        #"resource.classes contains "export""#,
        #"subject.user starts_with "ops-""#,
    ]

    static let effects: [PolicyEffect] = [.allow, .requireApproval, .deny]

    /// No roles and an allowing default: rules alone decide, so any rule the index wrongly
    /// skipped shows.
    static var pack: String {
        let rules = conditions.enumerated().map { index, when in
            "  - {rule_id: r\(index), when: '\(when)', action: \(effects[index % effects.count].rawValue)}"
        }
        return """
            id: index-check
            version: 1.0.0
            default_action: allow
            resource_classes:
              export: ["tool:crm.export"]
            rules:
            \(rules.joined(separator: "\n"))
            """
    }

    @Test func decidesAsEvaluatingEveryRuleWould() throws {
        let compiled = try CompiledPack(PackReader.read(Self.pack))
        let singles = try Self.conditions.map { try CompiledCondition.compile($0, resourceClasses: compiled.classNames) }
        var random = SeededGenerator(seed: 7)
        var ruleDecisions = 0
        for _ in 0..<20_000 {
            let input = Self.randomInput(&random)
            let classes = compiled.classMask(input.resource)
            var expected: (PolicyEffect, Int)?
            for (index, condition) in singles.enumerated() where condition.holds(input, classes: classes) {
                let effect = Self.effects[index % Self.effects.count]
                if expected == nil || effect < expected?.0 ?? .allow { expected = (effect, index) }
            }
            if classes != 0 {
                // A sensitive resource no role grants is denied before rules are looked at.
                #expect(compiled.decide(input).effect == .deny)
                continue
            }
            let decision = compiled.decide(input)
            #expect(decision.effect == expected?.0 ?? .allow, "\(input.context) \(input.resource) \(input.action)")
            #expect(decision.rule == expected?.1)
            if decision.rule != nil { ruleDecisions += 1 }
        }
        // The inputs reach many rules, not just the default.
        #expect(ruleDecisions > 10_000, "\(ruleDecisions)")
    }

    @Test func canonicallyEquivalentStringsMatchLikeStringEquality() throws {
        let compiled = try CompiledPack(PackReader.read(Self.pack))
        // U+212A KELVIN SIGN is "K" to String equality; "e" and a combining acute are "é".
        // (Region "eu" keeps rule 17, `not (context.region eq "eu")`, from deciding first.)
        let cases: [([String: PolicyValue], Int)] = [
            (["unit": .string("\u{212A}"), "region": .string("eu")], 13),
            (["region": .string("e\u{301}")], 14),
        ]
        for (context, rule) in cases {
            #expect(compiled.decide(DecisionInput(user: "u", action: "search", resource: "none", context: context)).rule == rule)
        }
    }

    @Test func guardsAreTestsEveryWayToSatisfyTheConditionNeeds() throws {
        func guardCount(_ text: String) throws -> Int? {
            let condition = try CompiledCondition.compile(text)
            return condition.program.guardTests(condition.root)?.count
        }
        #expect(try guardCount(#"action eq "a""#) == 1)
        // The part with the fewest tests.
        #expect(try guardCount(#"context.n gt 1 and (action eq "a" or action eq "b") and resource starts_with "x""#) == 1)
        #expect(try guardCount(#"action eq "a" or resource starts_with "tool:""#) == 2)
        // A branch with no indexable test: the condition can hold without any.
        #expect(try guardCount(#"action eq "a" or context.n gt 1"#) == nil)
        #expect(try guardCount(#"not action eq "a""#) == nil)
        #expect(try guardCount(#"resource contains "crm""#) == nil)
        #expect(try guardCount(#"resource starts_with """#) == nil)
        #expect(try guardCount(#"context.a.b eq "x""#) == nil)
    }

    private static func pick<T>(_ items: [T], _ random: inout SeededGenerator) -> T {
        items[Int(random.next() % UInt64(items.count))]
    }

    private static func subset(_ items: [String], _ random: inout SeededGenerator) -> [String] {
        items.filter { _ in random.next() % 3 == 0 }
    }

    private static func randomInput(_ random: inout SeededGenerator) -> DecisionInput {
        var context: [String: PolicyValue] = [:]
        func maybe(_ key: String, _ values: [PolicyValue], _ random: inout SeededGenerator) {
            if random.next() % 4 != 0 { context[key] = pick(values, &random) }
        }
        maybe("region", [.string("eu"), .string("us"), .string("cn"), .string("xx"), .string("e\u{301}"), .string("é"), .number(1),
                         .list([.string("eu")]), .list([.string("us"), .number(2)])], &random)
        maybe("tags", [.list(subset(["pii", "finance", "legal", "internal", "p\u{131}i"], &random).map(PolicyValue.string)),
                       .string("pii and finance"), .string("internal"), .bool(true)], &random)
        maybe("destination", [.string("https://paste.example/1"), .string("https://pastebin"), .string("https://past"),
                              .string("http://x"), .string("ftp://y"), .string("evil.com"), .string("https://files.example/2"),
                              .list([.string("https://paste")])], &random)
        maybe("unit", [.string("K"), .string("\u{212A}"), .string("k")], &random)
        maybe("amount", [.number(0), .number(150), .number(6000), .string("6000")], &random)
        maybe("hour", [.number(3), .number(12), .number(23)], &random)
        maybe("mfa", [.bool(true), .bool(false)], &random)
        maybe("ticket", [.object(["priority": .string("high")]), .object(["priority": .string("low")])], &random)
        return DecisionInput(
            user: pick(["ops-1", "ops", "dev-2", "ops-é"], &random),
            agent: pick([nil, "helper", "other"], &random),
            roles: subset(["admin", "ops", "sre", "viewer", "\u{212A}"], &random),
            action: pick(["read", "write", "delete", "execute", "search"], &random),
            resource: pick(["tool:crm.item1", "tool:crm.export", "tool:c", "tool:", "tool:kb.item1", "tool:db.x", "tool:crm", "",
                            "tool:crm.é"], &random),
            route: pick([nil, "/v1/chat", "/v2/chat"], &random),
            model: pick([nil, "gpt-4o", "gpt-4", "gpt-", "claude-3", "claude-3x"], &random),
            provider: pick([nil, "openai", "anthropic"], &random),
            findings: subset(["openai_api_key", "email"], &random),
            findingCategories: subset(["secret", "pii"], &random),
            context: context
        )
    }
}
