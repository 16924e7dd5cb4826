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

    /// A pack this gateway refused to load, for the ledger. Its id is the same on every
    /// gateway and on every replay of the topic, so the ledger keeps one entry per refusal.
    @Sendable func recordRefusals(_ refusals: [GatewayPacks.Refusal]) {
        var records: [KafkaRecord] = []
        for refusal in refusals {
            let entry = Palisade_V1_AuditEntry(
                tenantID: refusal.tenantID, entryID: "gateway.pack_refused:\(refusal.revision):\(refusal.packID)",
                kind: "gateway.pack_refused", actor: "service:gateway", occurredAt: Date(), requestID: "",
                subject: .object([
                    "pack_id": .string(refusal.packID), "version": .string(refusal.version), "revision": .integer(refusal.revision),
                    "reason": .string(refusal.reason),
                ])
            )
            guard let bytes = try? entry.serializedBytes() as [UInt8] else { continue }
            records.append(KafkaRecord(topic: .audit, tenantID: refusal.tenantID, protobuf: bytes, trace: RecordTrace(requestID: "")))
        }
        buffer.enqueue(records)
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
        var subject: [String: JSONValue] = [
            "decision": .string(decision.decision), "reason": .string(decision.reason), "route_id": .string(decision.routeID),
            "provider": .string(decision.provider), "model": .string(decision.model), "streamed": .bool(decision.streamed),
            "bypassed": .bool(decision.bypassed), "upstream_status": .integer(Int64(decision.upstreamStatus)),
            "findings": .array(findings),
        ]
        if decision.hasEnforced { subject["enforced"] = decision.enforced.jsonValue }
        if !decision.shadow.isEmpty { subject["shadow"] = .array(decision.shadow.map(\.jsonValue)) }
        return Palisade_V1_AuditEntry(
            tenantID: decision.tenantID, entryID: decision.decisionID, kind: "gateway.decision", actor: decision.subject,
            occurredAt: decision.occurredAt.date, requestID: decision.requestID, subject: .object(subject)
        )
    }
}
