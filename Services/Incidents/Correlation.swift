import Foundation
import Logging
import Metrics
import PalisadeEvents
import PalisadeKafka

/// policy results and change events → incidents (opened or updated) → the incidents topic.
///
/// A batch's incident events are published before its offsets are committed; a redelivered
/// record finds its stored change and publishes it again, so nothing is lost between the
/// database commit and the broker's acknowledgement.
struct Correlation: Sendable {
    let store: IncidentStore
    let publisher: IncidentPublisher
    let logger: Logger

    func handle(_ batch: [KafkaMessage]) async throws {
        var events: [Palisade_V1_IncidentEvent] = []
        var traces: [String: RecordTrace] = [:]
        for message in batch {
            guard let evidence = try Self.evidence(in: message) else { continue }
            let event = try await store.correlate(evidence, logger: logger)
            events.append(event)
            traces[event.incidentEventID] = evidence.trace
            if event.kind == "opened" {
                Counter(label: "palisade_incidents_opened_total").increment()
                logger.info("incident opened", metadata: [
                    "tenant_id": "\(event.tenantID)", "incident_id": "\(event.incidentID)", "request_id": "\(event.requestID)",
                ])
            }
        }
        try await publisher.publish(events) { traces[$0.incidentEventID] ?? RecordTrace(requestID: $0.requestID) }
    }

    /// The evidence a record carries, nil when it carries none (a low-severity change).
    static func evidence(in message: KafkaMessage) throws -> Evidence? {
        let tenantID = try message.tenantID()
        let trace = RecordTrace(of: message)
        if message.topic == Topic.policyResults.name {
            guard let result = try? Palisade_V1_PolicyResult(serializedBytes: message.value),
                  result.tenantID == message.keyText.lowercased(), !result.resultID.isEmpty else {
                throw PoisonRecord("payload is not a policy result of the key's tenant")
            }
            return Evidence(result, tenantID: tenantID, trace: trace)
        }
        guard let change = try? Palisade_V1_ChangeEvent(serializedBytes: message.value),
              change.tenantID == message.keyText.lowercased() else {
            throw PoisonRecord("payload is not a change event of the key's tenant")
        }
        return Evidence(change, tenantID: tenantID, trace: trace)
    }
}
