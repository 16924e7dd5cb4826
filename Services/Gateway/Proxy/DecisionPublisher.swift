import Foundation
import Logging
import PalisadeEvents
import PalisadeKafka

/// The gateway's decisions on their way to the decisions and audit topics, off the request
/// path (see `BufferedPublisher` for what happens when the broker is away).
struct DecisionPublisher: Sendable {
    let buffer: BufferedPublisher

    init(producer: KafkaProducer, logger: Logger) {
        buffer = BufferedPublisher(producer: producer, metric: "palisade_gateway_decisions", logger: logger)
    }

    /// Queues a decision; never waits.
    func record(_ decision: Palisade_V1_Decision, trace: RecordTrace) {
        guard let decisionBytes = try? decision.serializedBytes() as [UInt8],
              let auditBytes = try? Self.auditEntry(decision).serializedBytes() as [UInt8] else { return }
        buffer.enqueue([
            KafkaRecord(topic: .decisions, tenantID: decision.tenantID, protobuf: decisionBytes, trace: trace),
            KafkaRecord(topic: .audit, tenantID: decision.tenantID, protobuf: auditBytes, trace: trace),
        ])
    }

    /// The ledger's copy: the decision without anything the call said.
    static func auditEntry(_ decision: Palisade_V1_Decision) -> Palisade_V1_AuditEntry {
        var findings: [JSONValue] = []
        for finding in decision.findings {
            findings.append(.object([
                "detector": .string(finding.detector), "class": .string(finding.category), "stage": .string(finding.stage),
                "count": .integer(Int64(finding.count)), "confidence": .number(finding.confidence),
            ]))
        }
        return Palisade_V1_AuditEntry(
            tenantID: decision.tenantID, entryID: decision.decisionID, kind: "gateway.decision", actor: decision.subject,
            occurredAt: decision.occurredAt.date, requestID: decision.requestID,
            subject: .object([
                "decision": .string(decision.decision), "reason": .string(decision.reason), "route_id": .string(decision.routeID),
                "provider": .string(decision.provider), "model": .string(decision.model), "streamed": .bool(decision.streamed),
                "bypassed": .bool(decision.bypassed), "upstream_status": .integer(Int64(decision.upstreamStatus)),
                "findings": .array(findings),
            ])
        )
    }
}
