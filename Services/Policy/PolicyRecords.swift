import Foundation
import PalisadeEvents
import PalisadeKafka
import PalisadePolicy
import PalisadeService
import PalisadeStore
import SwiftProtobuf

/// The Kafka records the policy service stages in its outbox: audit entries of every lifecycle
/// step and approval outcome, and each tenant's active pack set.
enum PolicyRecords {
    static func audit(_ kind: String, scope: TenantScope, requestID: String, subject: [String: JSONValue]) throws -> TransactionalOutbox.Entry {
        let entryID = "policy:\(UUID().uuidString.lowercased())"
        let entry = Palisade_V1_AuditEntry(
            tenantID: scope.tenantID.uuidString.lowercased(), entryID: entryID, kind: kind, actor: scope.subject,
            occurredAt: Date(), requestID: requestID, subject: .object(subject)
        )
        return TransactionalOutbox.Entry(tenantID: scope.tenantID, entryID: entryID, topic: .audit,
                                         record: try entry.serializedBytes(), requestID: requestID)
    }

    /// The tenant's whole active set, for the compacted packs topic; its entry id is the
    /// revision, so a set is staged once.
    /// Sealed with `sealer` when the service has one.
    static func packSet(tenant: UUID, revision: Int64, active: [ActiveEntry], sealer: PackSigningKey?,
                        requestID: String) throws -> TransactionalOutbox.Entry {
        var set = Palisade_V1_PolicyPackSet()
        set.tenantID = tenant.uuidString.lowercased()
        set.revision = revision
        set.publishedAt = Google_Protobuf_Timestamp(date: Date())
        set.packs = active.map { entry in
            var pack = Palisade_V1_ActivePack()
            pack.packID = entry.activation.packID
            pack.version = entry.activation.version
            pack.mode = entry.activation.mode.rawValue
            pack.document = Data(entry.document.utf8)
            if let signature = entry.signatures.first {
                pack.keyID = signature.keyID
                pack.signature = signature.value
            }
            pack.activatedAt = Google_Protobuf_Timestamp(date: entry.activation.activatedAt)
            pack.activatedBy = entry.activation.activatedBy
            return pack
        }
        if let sealer { try set.seal(with: sealer) }
        return TransactionalOutbox.Entry(tenantID: tenant, entryID: "pack-set:\(revision)", topic: .policyPacks,
                                         record: try set.serializedBytes(), requestID: requestID)
    }

    /// A decision and its ledger copy.
    static func decision(_ decision: Palisade_V1_Decision, tenant: UUID) throws -> [TransactionalOutbox.Entry] {
        let audit = auditEntry(decision)
        return [
            TransactionalOutbox.Entry(tenantID: tenant, entryID: decision.decisionID, topic: .decisions,
                                      record: try decision.serializedBytes(), requestID: decision.requestID),
            TransactionalOutbox.Entry(tenantID: tenant, entryID: "audit:\(decision.decisionID)", topic: .audit,
                                      record: try audit.serializedBytes(), requestID: decision.requestID),
        ]
    }

    /// The same two records, for publishing off the request path.
    static func kafkaRecords(_ decision: Palisade_V1_Decision, trace: RecordTrace) throws -> [KafkaRecord] {
        [
            KafkaRecord(topic: .decisions, tenantID: decision.tenantID, protobuf: try decision.serializedBytes(), trace: trace),
            KafkaRecord(topic: .audit, tenantID: decision.tenantID, protobuf: try auditEntry(decision).serializedBytes(), trace: trace),
        ]
    }

    /// The ledger's copy of a permission decision: who asked for what and why it was answered
    /// so (never the request's context values).
    static func auditEntry(_ decision: Palisade_V1_Decision) -> Palisade_V1_AuditEntry {
        var subject: [String: JSONValue] = [
            "decision": .string(decision.decision), "reason": .string(decision.reason), "action": .string(decision.action),
            "resource": .string(decision.resource), "user": .string(decision.subject),
            "shadow": .array(decision.shadow.map(\.jsonValue)),
        ]
        if !decision.agent.isEmpty { subject["agent"] = .string(decision.agent) }
        if decision.hasEnforced { subject["enforced"] = decision.enforced.jsonValue }
        if !decision.approvalID.isEmpty { subject["approval_id"] = .string(decision.approvalID) }
        if !decision.routeID.isEmpty { subject["route_id"] = .string(decision.routeID) }
        return Palisade_V1_AuditEntry(
            tenantID: decision.tenantID, entryID: decision.decisionID, kind: "policy.decision", actor: decision.subject,
            occurredAt: decision.occurredAt.date, requestID: decision.requestID, subject: .object(subject)
        )
    }
}
