import Foundation
import PalisadeEvents

/// The webhook body (seed 001's webhook alert payload, with the whole incident event attached).
enum AlertPayload {
    static func body(for event: Palisade_V1_IncidentEvent, alertID: UUID, publicURL: String) -> [UInt8] {
        let value = JSONValue.object([
            "alert_id": .string(alertID.uuidString.lowercased()),
            "incident_id": .string(event.incidentID),
            "severity": .string(event.severity),
            "type": .string("incident.\(event.kind)"),
            "message": .string(event.title),
            "context": .object([
                "tenant_id": .string(event.tenantID),
                "route_id": .string(event.routeID),
                "rule_id": .string(event.ruleID),
                "timestamp": .string(RFC3339.format(event.occurredAt.date)),
            ]),
            "links": .object(["incident_url": .string("\(publicURL)/v1/incidents/\(event.incidentID)")]),
            "incident": event.jsonValue,
        ])
        return Array(value.canonicalJSON())
    }

    /// Opened and resolved incidents alert, and updates that raised the severity; other
    /// updates (more evidence of the same thing) would only be noise.
    static func isAlertable(_ event: Palisade_V1_IncidentEvent) -> Bool {
        switch event.kind {
        case "opened", "resolved": return true
        case "updated":
            guard let now = Severity(rawValue: event.severity), let before = Severity(rawValue: event.previousSeverity) else { return false }
            return now > before
        default: return false
        }
    }
}
