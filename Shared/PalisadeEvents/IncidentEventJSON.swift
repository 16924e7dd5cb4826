import Foundation

extension Palisade_V1_IncidentEvent {
    /// The incident event as webhooks, HEC events and the audit ledger carry it.
    public var jsonValue: JSONValue {
        .object([
            "incident_event_id": .string(incidentEventID),
            "incident_id": .string(incidentID),
            "kind": .string(kind),
            "version": .integer(version),
            "status": .string(status),
            "severity": .string(severity),
            "previous_severity": previousSeverity.isEmpty ? .null : .string(previousSeverity),
            "title": .string(title),
            "tenant_id": .string(tenantID),
            "route_id": .string(routeID),
            "rule_id": .string(ruleID),
            "evidence": .array(evidence.map(JSONValue.string)),
            "evidence_count": .integer(evidenceCount),
            "opened_at": .string(RFC3339.format(openedAt.date)),
            "occurred_at": .string(RFC3339.format(occurredAt.date)),
            "request_id": .string(requestID),
            "actor": .string(actor),
        ])
    }
}
