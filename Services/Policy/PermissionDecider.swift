import Foundation
import Logging
import PalisadeEvents
import PalisadeKafka
import PalisadePolicy
import PalisadeService
import PalisadeStore
import SwiftProtobuf

/// A permission request → the tenant's active packs → allow, deny or require_approval.
///
/// Deny by default: with no enforced pack that applies, the answer is deny (`no_active_pack`).
/// Shadow packs are evaluated too and what they would have said is recorded with the decision,
/// never answered. Allow and deny are published off the request path; require_approval opens
/// an approval, and that approval and its decision commit together before the answer.
struct PermissionDecider: Sendable {
    let packs: ActivePacks
    let approvals: ApprovalStore
    let outbox: TransactionalOutbox
    let publisher: BufferedPublisher

    struct Answer: Sendable {
        var decisionID: String
        var effect: String
        var reason: String
        var rulePath: String?
        var packID: String?
        var packVersion: String?
        var roleRequired: String?
        var action: String
        var resource: String
        var approval: Approval?
    }

    func decide(_ inputs: [DecisionInput], scope: TenantScope, requestID: String, trace: RecordTrace,
                logger: Logger) async throws -> [Answer] {
        let set = try await packs.set(for: scope, logger: logger)
        var answers: [Answer] = []
        answers.reserveCapacity(inputs.count)
        var published: [KafkaRecord] = []
        for input in inputs {
            var (answer, decision) = Self.answer(input, set: set, scope: scope, requestID: requestID)
            if answer.effect == PolicyEffect.requireApproval.rawValue, let pack = set.packs.first(where: { $0.packID == answer.packID }) {
                let approval = try await open(input, answer: answer, pack: pack, scope: scope, requestID: requestID,
                                              decision: &decision, logger: logger)
                answer.approval = approval
            } else {
                published += try PolicyRecords.kafkaRecords(decision, trace: trace)
            }
            answers.append(answer)
        }
        publisher.enqueue(published)
        return answers
    }

    /// Decides without side effects: the answer and the decision record.
    static func answer(_ input: DecisionInput, set: ActivePackSet, scope: TenantScope, requestID: String) -> (Answer, Palisade_V1_Decision) {
        let result = set.decide(input)
        var decision = Palisade_V1_Decision()
        decision.tenantID = scope.tenantID.uuidString.lowercased()
        decision.decisionID = "decision:\(RandomUUID.text())"
        decision.requestID = requestID
        decision.occurredAt = Google_Protobuf_Timestamp(date: Date())
        decision.kind = "permission"
        decision.subject = input.user
        decision.agent = input.agent ?? ""
        decision.action = input.action
        decision.resource = input.resource
        decision.routeID = input.route ?? ""
        decision.model = input.model ?? ""
        decision.provider = input.provider ?? ""
        decision.shadow = result.shadow.map { Palisade_V1_PackOutcome(set.describe($0)) }

        var answer = Answer(decisionID: decision.decisionID, effect: PolicyEffect.deny.rawValue, reason: "no_active_pack",
                            action: input.action, resource: input.resource)
        if let enforced = result.enforced {
            let pack = set.packs[enforced.pack]
            decision.enforced = Palisade_V1_PackOutcome(set.describe(enforced))
            answer.effect = enforced.decision.effect.rawValue
            answer.reason = enforced.decision.reason.rawValue
            answer.rulePath = decision.enforced.rulePath
            answer.packID = pack.packID
            answer.packVersion = pack.version
            if enforced.decision.reason == .roleRestriction { answer.roleRequired = pack.compiled.roleRequired(for: input) }
        }
        decision.decision = answer.effect
        decision.reason = answer.reason
        return (answer, decision)
    }

    /// Opens the approval a require_approval answer asks for; it and the decision commit together.
    private func open(_ input: DecisionInput, answer: Answer, pack: LoadedPack, scope: TenantScope, requestID: String,
                      decision: inout Palisade_V1_Decision, logger: Logger) async throws -> Approval {
        let now = Date()
        var subject: [String: JSONValue] = ["user": .string(input.user), "roles": .array(input.roles.map(JSONValue.string))]
        if let agent = input.agent { subject["agent"] = .string(agent) }
        var asked: [String: JSONValue] = ["subject": .object(subject), "action": .string(input.action), "resource": .string(input.resource)]
        if let route = input.route { asked["route"] = .string(route) }
        let approval = Approval(
            approvalID: UUID(), status: .pending, request: .object(asked), packID: pack.packID, packVersion: pack.version,
            rulePath: answer.rulePath ?? "", reason: answer.reason, requestedBy: scope.subject, requestedAt: now,
            expiresAt: now.addingTimeInterval(TimeInterval(pack.compiled.pack.approvalExpirySeconds)), requestID: requestID
        )
        decision.approvalID = approval.approvalID.uuidString.lowercased()
        let entries = try PolicyRecords.decision(decision, tenant: scope.tenantID)
        let outbox = outbox
        try await approvals.create(approval, scope: scope, logger: logger) { _, connection in
            try await outbox.stage(entries, on: connection, logger: logger)
        }
        await outbox.flush(tenant: scope.tenantID, logger: logger)
        return approval
    }
}
