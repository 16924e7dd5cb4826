@testable import PalisadePolicy
import Testing

@Suite struct PolicyConditionTests {
    static let input = DecisionInput(
        user: "ana", agent: "support-bot", roles: ["analyst", "oncall"], agentRoles: ["reader"], action: "export", resource: "tool:crm.export",
        route: "prod-chat", model: "claude-3-opus", provider: "anthropic", findings: ["openai_api_key"], findingCategories: ["secret"],
        context: [
            "records": .number(1500), "ticket": .string("INC-1234"), "approved": .bool(false), "note": .null,
            "region": .object(["name": .string("eu-west-1")]), "tags": .list([.string("pii"), .string("bulk")]),
        ]
    )

    func holds(_ text: String, classes: [String] = ["export"], mask: UInt64 = 1) throws -> Bool {
        try CompiledCondition.compile(text, resourceClasses: classes).holds(Self.input, classes: mask)
    }

    @Test(arguments: [
        // eq / ne
        (#"action eq "export""#, true), (#"action == "export""#, true), (#"action eq "read""#, false), (#"action ne "read""#, true),
        (#"action != "export""#, false), ("context.records eq 1500", true), ("context.approved eq false", true), ("context.note eq null", true),
        (#"context.ticket ne "INC-1""#, true), (#"context.missing ne "x""#, false), (#"subject.agent eq "support-bot""#, true),
        // in / not_in
        (#"action in ["read", "export"]"#, true), (#"action not_in ["read", "export"]"#, false), (#"subject.roles in ["admin", "oncall"]"#, true),
        (#"subject.roles not_in ["admin"]"#, true), (#"subject.roles not_in ["admin", "analyst"]"#, false), ("context.records in [1, 1500]", true),
        (#"context.tags in ["bulk"]"#, true), (#"context.tags not_in ["x", "y"]"#, true), (#"context.missing not_in ["x"]"#, false),
        // contains
        (#"subject.roles contains "analyst""#, true), (#"subject.roles contains "admin""#, false), (#"resource contains "crm""#, true),
        (#"context.ticket contains "123""#, true), (#"context.tags contains "pii""#, true), (#"findings contains "openai_api_key""#, true),
        (#"findings.categories contains "injection""#, false), (#"resource.classes contains "export""#, true),
        // starts_with / matches
        (#"resource starts_with "tool:crm.""#, true), (#"resource starts_with "tool:db""#, false), (#"context.region.name starts_with "eu-""#, true),
        (#"context.ticket matches "^INC-[0-9]{4}$""#, true), (#"model matches "^gpt-""#, false), (#"route matches "(?i)^PROD-""#, true),
        // gt / gte / lt / lte
        ("context.records gt 1000", true), ("context.records > 1500", false), ("context.records gte 1500", true), ("context.records >= 1501", false),
        ("context.records lt 2000", true), ("context.records < 1500", false), ("context.records lte 1500", true), ("context.records <= 1e3", false),
        (#"context.ticket gt 5"#, false),
        // exists
        ("context.ticket exists", true), ("context.missing exists", false), ("context.note exists", false), ("exists(context.region.name)", true),
        ("subject.agent exists", true), ("findings exists", true), ("resource.classes exists", true), ("context.region.name.deeper exists", false),
    ])
    func operators(_ text: String, _ expected: Bool) throws {
        #expect(try holds(text) == expected, "\(text)")
    }

    @Test func absentOptionalFieldsFailEveryTestButNegation() throws {
        let input = DecisionInput(user: "ana", roles: ["analyst"], action: "export", resource: "tool:crm.export", route: "prod-chat",
                                  provider: "anthropic")
        for text in [#"subject.agent eq "x""#, #"subject.agent ne "x""#, "subject.agent exists", #"model starts_with "claude""#] {
            #expect(try CompiledCondition.compile(text).holds(input, classes: 0) == false, "\(text)")
        }
        #expect(try CompiledCondition.compile("not subject.agent exists").holds(input, classes: 0))
    }

    @Test(arguments: [
        // not binds tighter than and, and tighter than or.
        (#"action eq "read" or action eq "export" and context.records gt 1000"#, true),
        (#"action eq "export" or action eq "read" and context.records gt 99999"#, true),
        (#"(action eq "export" or action eq "read") and context.records gt 99999"#, false),
        (#"not action eq "read" and context.records gt 1000"#, true),
        (#"not (action eq "export" and context.records gt 1000)"#, false),
        (#"not not action eq "export""#, true),
        (#"action eq "read" or not context.approved eq true and subject.roles contains "oncall""#, true),
        (#"action eq "read" and context.records gt 1000 or subject.user eq "ana""#, true),
    ])
    func precedence(_ text: String, _ expected: Bool) throws {
        #expect(try holds(text) == expected, "\(text)")
    }

    @Test(arguments: [
        (#"action eq"#, 9, "expected a value"), (#"actoin eq "x""#, 0, "unknown field 'actoin'"),
        (#"action equals "x""#, 7, "expected an operator"), (#"(action eq "x""#, 14, "expected ')'"),
        (#"action eq "x" and"#, 17, "expected a field"), (#"subject.roles eq "admin""#, 0, "subject.roles is a list"),
        (#"action gt 3"#, 0, "action is a string"), (#"context.n gt "3""#, 13, "gt needs a number"),
        (#"action in "x""#, 10, "in needs a [list]"), (#"action eq "unterminated"#, 10, "unterminated string"),
        (#"context.x matches "a(b""#, 20, "pattern: unclosed '('"), (#"resource.classes contains "nope""#, 26, "no resource class 'nope'"),
        (#"action eq "x" action eq "y""#, 14, "unexpected 'action'"), (#"action in []"#, 10, "an empty list"),
        (#"action eq 'x' & action eq 'y'"#, 14, "unexpected character '&'"),
    ])
    func errorsNameTheirOffset(_ text: String, _ offset: Int, _ message: String) {
        do {
            _ = try CompiledCondition.compile(text, resourceClasses: ["export"])
            Issue.record("\(text) compiled")
        } catch {
            #expect(error.offset == offset, "\(text): \(error.message)")
            #expect(error.message.hasPrefix(message), "\(text): \(error.message)")
        }
    }

    @Test func conditionsNamingActionsAreGuardedByThem() throws {
        func actions(_ text: String) throws -> [String]? {
            let condition = try CompiledCondition.compile(text)
            return condition.program.guardTests(condition.root)?.flatMap { $0.key.field == .action ? $0.literals : [] }
        }
        #expect(try actions(#"action eq "export" and context.records gt 1"#) == ["export"])
        #expect(try actions(#"action in ["a", "b"] or action eq "c""#) == ["a", "b", "c"])
        #expect(try actions(#"action eq "a" or context.x exists"#) == nil)
        #expect(try actions(#"not action eq "a""#) == nil)
    }
}
