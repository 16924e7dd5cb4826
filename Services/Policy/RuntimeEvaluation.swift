import Foundation
import Logging
import PalisadeEvents
import PalisadeKafka
import PalisadeRules
import PalisadeStore

/// runtime events → the tenant's threshold rules → policy results (and their audit entries).
///
/// Results are produced before the batch's offsets are committed, and their ids are derived
/// from (rule, event), so a redelivered batch re-produces the same results and consumers
/// downstream dedupe them.
struct RuntimeEvaluation: Sendable {
    let rules: RuleStore
    let producer: KafkaProducer
    let logger: Logger

    func handle(_ batch: [KafkaMessage]) async throws {
        var eventsByTenant: [UUID: [(event: Palisade_V1_RuntimeEvent, trace: RecordTrace)]] = [:]
        for message in batch {
            let tenantID = try message.tenantID()
            guard let event = try? Palisade_V1_RuntimeEvent(serializedBytes: message.value),
                  event.tenantID == message.keyText.lowercased() else {
                throw PoisonRecord("payload is not a runtime event of the key's tenant")
            }
            eventsByTenant[tenantID, default: []].append((event, RecordTrace(of: message)))
        }
        var records: [KafkaRecord] = []
        let now = Date()
        for (tenantID, events) in eventsByTenant {
            let tenantRules = try await rules.list(scope: .service("policy", tenantID: tenantID), logger: logger)
            guard !tenantRules.isEmpty else { continue }
            let evaluator = RuleEvaluator(rules: tenantRules)
            for (event, trace) in events {
                for result in evaluator.results(for: event, evaluatedAt: now) {
                    records += try Self.records(for: result, trace: trace)
                }
            }
        }
        guard !records.isEmpty else { return }
        _ = try await producer.send(records)
        logger.debug("policy results produced", metadata: ["count": "\(records.count / 2)"])
    }

    /// The result on the policy-results topic, and the same fact for the audit ledger.
    static func records(for result: Palisade_V1_PolicyResult, trace: RecordTrace) throws -> [KafkaRecord] {
        let entry = Palisade_V1_AuditEntry(
            tenantID: result.tenantID, entryID: result.resultID, kind: "policy.result", actor: "service:policy",
            occurredAt: result.timestamp.date, requestID: result.requestID, subject: result.jsonValue
        )
        return [
            KafkaRecord(topic: .policyResults, tenantID: result.tenantID, protobuf: try result.serializedBytes(), trace: trace),
            KafkaRecord(topic: .audit, tenantID: result.tenantID, protobuf: try entry.serializedBytes(), trace: trace),
        ]
    }
}
