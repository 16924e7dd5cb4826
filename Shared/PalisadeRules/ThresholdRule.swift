import Foundation
import PalisadeEvents

/// A tenant's threshold rule: "when <field> <operator> <value>, raise <severity> and <action>".
public struct ThresholdRule: Sendable, Equatable {
    public let ruleID: UUID
    public let name: String
    public let field: RuleField
    public let comparison: RuleOperator
    public let value: JSONValue
    public let severity: String
    public let action: String

    public init(ruleID: UUID, name: String, field: RuleField, comparison: RuleOperator, value: JSONValue, severity: String, action: String) {
        self.ruleID = ruleID
        self.name = name
        self.field = field
        self.comparison = comparison
        self.value = value
        self.severity = severity
        self.action = action
    }

    /// "latency_ms gt 1000", as it appears in results and incident titles.
    public var condition: String {
        "\(field.rawValue) \(comparison.rawValue) \(String(decoding: value.canonicalJSON(), as: UTF8.self))"
    }
}

/// The fields of a runtime event a rule can test.
public enum RuleField: String, CaseIterable, Sendable {
    case latencyMs = "latency_ms"
    case cost
    case tokensInput = "tokens.input"
    case tokensOutput = "tokens.output"
    case type
    case model
    case provider
    case routeID = "route_id"

    public var isNumeric: Bool {
        switch self {
        case .latencyMs, .cost, .tokensInput, .tokensOutput: true
        case .type, .model, .provider, .routeID: false
        }
    }
}

public enum RuleOperator: String, CaseIterable, Sendable {
    case gt, gte, lt, lte, eq, ne
    case isIn = "in"

    public var isOrdering: Bool { [.gt, .gte, .lt, .lte].contains(self) }
}

/// The actions a rule may name.
public enum RuleVocabulary {
    public static let actions = ["log", "alert", "review", "block"]
}
