import Foundation
import PalisadeEvents
import PalisadeKafka

/// Publishes incident events to the incidents topic and, as audit entries, to the audit topic.
/// Publishing the same event twice is harmless: consumers dedupe on `incident_event_id`.
struct IncidentPublisher: Sendable {
    let producer: KafkaProducer

    func publish(_ events: [Palisade_V1_IncidentEvent], trace: (Palisade_V1_IncidentEvent) -> RecordTrace) async throws {
        guard !events.isEmpty else { return }
        var records: [KafkaRecord] = []
        for event in events {
            let entry = Palisade_V1_AuditEntry(
                tenantID: event.tenantID, entryID: "incident:\(event.incidentEventID)", kind: "incident.\(event.kind)",
                actor: event.actor, occurredAt: event.occurredAt.date, requestID: event.requestID, subject: event.jsonValue
            )
            records.append(KafkaRecord(topic: .incidents, tenantID: event.tenantID, protobuf: try event.serializedBytes(), trace: trace(event)))
            records.append(KafkaRecord(topic: .audit, tenantID: event.tenantID, protobuf: try entry.serializedBytes(), trace: trace(event)))
        }
        _ = try await producer.send(records)
    }
}
