import Foundation
import PalisadeEvents
import PalisadeRules
import Testing

@Suite struct ThresholdRuleTests {
    func draft(_ json: String) throws -> Result<ThresholdRule, RuleDraftError> {
        RuleDraft(json: try JSONDecoder().decode(JSONValue.self, from: Data(json.utf8))).validated()
    }

    func event(latency: Int64 = 1250, cost: Double = 0.02, model: String = "claude-3-opus") -> Palisade_V1_RuntimeEvent {
        var event = Palisade_V1_RuntimeEvent()
        event.tenantID = "t"
        event.eventID = "evt-1"
        event.routeID = "prod-chat"
        event.type = "runtime.request.completed"
        event.latencyMs = latency
        event.cost = cost
        event.model = model
        event.provider = "anthropic"
        event.tokens.input = 512
        event.tokens.output = 256
        return event
    }

    @Test func validDraftBecomesARule() throws {
        let rule = try draft(#"{"name":"slow","field":"latency_ms","operator":"gt","value":1000,"severity":"high"}"#).get()
        #expect(rule.action == "alert")
        #expect(rule.condition == "latency_ms gt 1000")
    }

    @Test func everyMistakeIsNamed() throws {
        guard case .failure(let error) = try draft(#"{"field":"model","operator":"lt","value":3,"severity":"urgent","action":"explode"}"#) else {
            Issue.record("an invalid draft was accepted")
            return
        }
        #expect(Set(error.violations.map(\.field)) == ["name", "value", "severity", "action"])
    }

    @Test func inNeedsAnArrayOfTheFieldsType() throws {
        guard case .failure(let error) = try draft(#"{"name":"x","field":"provider","operator":"in","value":["openai",3],"severity":"low"}"#) else {
            Issue.record("a mixed 'in' list was accepted")
            return
        }
        #expect(error.violations.map(\.field) == ["value"])
        #expect(throws: Never.self) {
            try draft(#"{"name":"x","field":"provider","operator":"in","value":["openai","anthropic"],"severity":"low"}"#).get()
        }
    }

    @Test(arguments: [
        ("gt", "1250", false), ("gte", "1250", true), ("lt", "1251", true), ("lte", "1249", false),
        ("eq", "1250.0", true), ("ne", "1250", false), ("in", "[1, 1250]", true),
    ])
    func operatorsCompareLatency(_ comparison: String, _ value: String, _ expected: Bool) throws {
        let rule = try draft(#"{"name":"r","field":"latency_ms","operator":"\#(comparison)","value":\#(value),"severity":"low"}"#).get()
        let results = RuleEvaluator(rules: [rule]).results(for: event(), evaluatedAt: Date())
        #expect(results.count == (expected ? 1 : 0))
    }

    @Test func resultsCarryTheSeedFieldsAndADeterministicID() throws {
        let rule = try draft(#"{"name":"pricey","field":"model","operator":"eq","value":"claude-3-opus","severity":"critical","action":"block"}"#).get()
        let evaluator = RuleEvaluator(rules: [rule])
        let first = try #require(evaluator.results(for: event(), evaluatedAt: Date()).first)
        let again = try #require(evaluator.results(for: event(), evaluatedAt: Date().addingTimeInterval(5)).first)
        #expect(first.resultID == again.resultID)
        #expect(first.verdict == "violation")
        #expect(first.actionTaken == "block")
        #expect(first.ruleMatched == "pricey")
        #expect(first.observed == "\"claude-3-opus\"")
        #expect(RuleEvaluator(rules: [rule]).results(for: event(model: "gpt-4o"), evaluatedAt: Date()).isEmpty)
    }
}
