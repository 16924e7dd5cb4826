import Foundation
import PalisadeEvents
import PalisadeKafka

/// Something that may open an incident or join an open one: a policy result, or a provider
/// change of high or critical severity.
struct Evidence: Sendable {
    let tenantID: UUID
    /// Unique per fact (the policy result id, the change event id): recorded once.
    let evidenceID: String
    let kind: String
    /// Incidents with the same key, inside the correlation window, are one incident.
    let correlationKey: String
    let routeID: String
    let ruleID: String
    let title: String
    let severity: Severity
    let eventID: String?
    let occurredAt: Date
    let detail: JSONValue
    let trace: RecordTrace

    init(_ result: Palisade_V1_PolicyResult, tenantID: UUID, trace: RecordTrace) {
        self.tenantID = tenantID
        evidenceID = result.resultID
        kind = "policy_result"
        correlationKey = "rule:\(result.policyID)|route:\(result.routeID)"
        routeID = result.routeID
        ruleID = result.policyID
        title = "\(result.ruleMatched) on \(result.routeID.isEmpty ? "no route" : result.routeID): \(result.condition) (observed \(result.observed))"
        severity = Severity(rawValue: result.severity) ?? .medium
        eventID = result.eventID.isEmpty ? nil : result.eventID
        occurredAt = result.timestamp.date
        detail = result.jsonValue
        self.trace = trace
    }

    /// A change event opens or joins an incident only at high or critical severity.
    init?(_ change: Palisade_V1_ChangeEvent, tenantID: UUID, trace: RecordTrace) {
        guard let severity = Severity(rawValue: change.severity), severity >= .high else { return nil }
        self.tenantID = tenantID
        evidenceID = "change:\(change.eventID)"
        kind = "change"
        correlationKey = "change:\(change.provider)|\(change.type)"
        routeID = change.affectedAssets.first ?? ""
        ruleID = "change:\(change.type)"
        let summary = change.summary.isEmpty ? change.type : change.summary
        title = "\(change.provider) change: \(summary)"
        self.severity = severity
        eventID = change.eventID
        occurredAt = change.timestamp.date
        detail = (try? JSONReader.parse(change.json)) ?? .object(["event_id": .string(change.eventID)])
        self.trace = trace
    }
}
