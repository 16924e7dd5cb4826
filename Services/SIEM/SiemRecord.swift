import Foundation
import PalisadeEvents
import PalisadeKafka

/// One record to stream: its id (for once-only forwarding), time, kind and body.
struct SiemRecord: Sendable {
    let recordID: String
    let source: String
    let time: Date
    let event: JSONValue
    let message: KafkaMessage

    /// Incident events and audit entries; records of other topics are not streamed yet.
    init?(_ message: KafkaMessage) throws {
        self.message = message
        let tenant = message.keyText.lowercased()
        if message.topic == Topic.incidents.name {
            guard let incident = try? Palisade_V1_IncidentEvent(serializedBytes: message.value), incident.tenantID == tenant else {
                throw PoisonRecord("payload is not an incident event of the key's tenant")
            }
            recordID = "incident:\(incident.incidentEventID)"
            source = "palisade:incident"
            time = incident.occurredAt.date
            event = incident.jsonValue
        } else if message.topic == Topic.audit.name {
            guard let entry = try? Palisade_V1_AuditEntry(serializedBytes: message.value), entry.tenantID == tenant else {
                throw PoisonRecord("payload is not an audit entry of the key's tenant")
            }
            recordID = "audit:\(entry.entryID)"
            source = "palisade:audit"
            time = entry.occurredAt.date
            event = .object([
                "entry_id": .string(entry.entryID), "kind": .string(entry.kind), "actor": .string(entry.actor),
                "tenant_id": .string(entry.tenantID), "occurred_at": .string(RFC3339.format(entry.occurredAt.date)),
                "request_id": .string(entry.requestID),
                "subject": (try? JSONReader.parse(entry.subject)) ?? .null,
            ])
        } else {
            return nil
        }
    }

    /// The record in Splunk HEC's event format.
    func hecEvent(for destination: Destination) -> [UInt8] {
        var fields: [String: JSONValue] = [
            "time": .number((time.timeIntervalSince1970 * 1000).rounded() / 1000),
            "host": .string("palisade"),
            "source": .string(source),
            "sourcetype": .string(destination.sourcetype),
            "event": event,
        ]
        if let index = destination.index { fields["index"] = .string(index) }
        return Array(JSONValue.object(fields).canonicalJSON())
    }
}
