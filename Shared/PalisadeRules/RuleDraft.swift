import Foundation
import PalisadeEvents

/// A proposed rule as JSON, checked field by field so a refusal names each mistake.
public struct RuleDraft: Sendable {
    public let json: JSONValue

    public init(json: JSONValue) {
        self.json = json
    }

    /// The rule, or every violation found.
    public func validated() -> Result<ThresholdRule, RuleDraftError> {
        var errors: [FieldViolation] = []
        func fail(_ field: String, _ reason: String) { errors.append(FieldViolation(index: nil, field: field, reason: reason)) }

        let name = json["name"]?.stringValue?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        if !(1...200).contains(name.count) { fail("name", "must be a string of 1 to 200 characters") }

        let field = json["field"]?.stringValue.flatMap(RuleField.init(rawValue:))
        if field == nil { fail("field", "must be one of \(RuleField.allCases.map(\.rawValue).joined(separator: ", "))") }

        let comparison = json["operator"]?.stringValue.flatMap(RuleOperator.init(rawValue:))
        if comparison == nil { fail("operator", "must be one of \(RuleOperator.allCases.map(\.rawValue).joined(separator: ", "))") }

        let value = json["value"] ?? .null
        if let field, let comparison, let reason = Self.valueProblem(value, field: field, comparison: comparison) {
            fail("value", reason)
        }

        let severity = json["severity"]?.stringValue ?? ""
        if Severity(rawValue: severity) == nil { fail("severity", "must be one of \(Severity.names)") }

        let action = json["action"]?.stringValue ?? "alert"
        if !RuleVocabulary.actions.contains(action) { fail("action", "must be one of \(RuleVocabulary.actions.joined(separator: ", "))") }

        guard errors.isEmpty, let field, let comparison else {
            return .failure(RuleDraftError(violations: errors))
        }
        return .success(ThresholdRule(ruleID: UUID(), name: name, field: field, comparison: comparison,
                                      value: value, severity: severity, action: action))
    }

    /// Why `value` cannot be compared with `field` under `comparison`, or nil when it can.
    public static func valueProblem(_ value: JSONValue, field: RuleField, comparison: RuleOperator) -> String? {
        let kind = field.isNumeric ? "a number" : "a string"
        func fits(_ item: JSONValue) -> Bool {
            field.isNumeric ? item.numberValue != nil : item.stringValue != nil
        }
        if comparison == .isIn {
            guard case .array(let items) = value, (1...100).contains(items.count), items.allSatisfy(fits) else {
                return "'in' needs an array of 1 to 100 values, each \(kind)"
            }
            return nil
        }
        if comparison.isOrdering && !field.isNumeric {
            return "'\(comparison.rawValue)' compares numbers; \(field.rawValue) is a string (use eq, ne or in)"
        }
        return fits(value) ? nil : "must be \(kind) for \(field.rawValue)"
    }
}

public struct RuleDraftError: Error, Sendable {
    public let violations: [FieldViolation]
}
