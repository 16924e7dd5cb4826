import Crypto
import Foundation
import PalisadeEvents
import SwiftProtobuf

/// Applies a tenant's threshold rules to a runtime event; pure, so a redelivered event gives
/// the same results with the same ids.
public struct RuleEvaluator: Sendable {
    public let rules: [ThresholdRule]

    public init(rules: [ThresholdRule]) {
        self.rules = rules
    }

    public func results(for event: Palisade_V1_RuntimeEvent, evaluatedAt: Date) -> [Palisade_V1_PolicyResult] {
        rules.compactMap { rule in
            let observed = Self.value(of: rule.field, in: event)
            guard Self.matches(observed, rule: rule) else { return nil }
            var result = Palisade_V1_PolicyResult()
            result.tenantID = event.tenantID
            result.resultID = Self.resultID(tenant: event.tenantID, rule: rule.ruleID, event: event.eventID)
            result.policyID = rule.ruleID.uuidString.lowercased()
            result.verdict = "violation"
            result.ruleMatched = rule.name
            result.confidence = 1.0
            result.actionTaken = rule.action
            result.timestamp = Google_Protobuf_Timestamp(date: evaluatedAt)
            result.routeID = event.routeID
            result.eventID = event.eventID
            result.requestID = event.requestID
            result.severity = rule.severity
            result.condition = rule.condition
            result.observed = String(decoding: observed.canonicalJSON(), as: UTF8.self)
            return result
        }
    }

    public static func value(of field: RuleField, in event: Palisade_V1_RuntimeEvent) -> JSONValue {
        switch field {
        case .latencyMs: .integer(event.latencyMs)
        case .cost: .number(event.cost)
        case .tokensInput: .integer(event.tokens.input)
        case .tokensOutput: .integer(event.tokens.output)
        case .type: .string(event.type)
        case .model: .string(event.model)
        case .provider: .string(event.provider)
        case .routeID: .string(event.routeID)
        }
    }

    public static func matches(_ observed: JSONValue, rule: ThresholdRule) -> Bool {
        switch rule.comparison {
        case .isIn:
            guard case .array(let candidates) = rule.value else { return false }
            return candidates.contains { equal(observed, $0) }
        case .eq: return equal(observed, rule.value)
        case .ne: return !equal(observed, rule.value)
        case .gt, .gte, .lt, .lte:
            guard let left = observed.numberValue, let right = rule.value.numberValue else { return false }
            switch rule.comparison {
            case .gt: return left > right
            case .gte: return left >= right
            case .lt: return left < right
            default: return left <= right
            }
        }
    }

    /// Numbers compare by value (1 equals 1.0); strings exactly.
    public static func equal(_ left: JSONValue, _ right: JSONValue) -> Bool {
        if let l = left.numberValue, let r = right.numberValue { return l == r }
        if let l = left.stringValue, let r = right.stringValue { return l == r }
        return false
    }

    /// `pr_` + 32 hex digits of SHA-256(tenant, rule, event).
    public static func resultID(tenant: String, rule: UUID, event: String) -> String {
        let digest = SHA256.hash(data: Data("\(tenant)\u{0}\(rule.uuidString.lowercased())\u{0}\(event)".utf8))
        return "pr_" + digest.prefix(16).map { String(format: "%02x", $0) }.joined()
    }
}
