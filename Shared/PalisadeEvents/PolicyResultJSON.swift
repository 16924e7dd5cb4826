import Foundation

extension Palisade_V1_PolicyResult {
    /// Seed 001's policy-result object plus where it came from: what webhooks, HEC events and
    /// the audit ledger carry.
    public var jsonValue: JSONValue {
        .object([
            "result_id": .string(resultID),
            "policy_id": .string(policyID),
            "verdict": .string(verdict),
            "rule_matched": .string(ruleMatched),
            "confidence": .number(confidence),
            "action_taken": .string(actionTaken),
            "timestamp": .string(RFC3339.format(timestamp.date)),
            "tenant_id": .string(tenantID),
            "route_id": .string(routeID),
            "event_id": .string(eventID),
            "request_id": .string(requestID),
            "severity": .string(severity),
            "condition": .string(condition),
            "observed": .string(observed),
        ])
    }
}
