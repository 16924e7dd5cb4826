import Foundation
import Hummingbird
import Logging
import PalisadeAuth
import PalisadeEvents
import PalisadeService
import PalisadeStore
import SwiftProtobuf

/// `/v1/approvals`: approvers (capability `approvals:decide`) list, approve and deny; whoever
/// asked (`decisions:request`) reads one and may wait for its outcome with `?wait=<seconds>`.
struct ApprovalRoutes: Sendable {
    let store: ApprovalStore
    let outbox: TransactionalOutbox
    let signals: ApprovalSignals

    /// The edge gives a relayed request 30 seconds: a wait ends well before.
    static let maximumWaitSeconds = 25
    /// How often a waiter reads the approval again, for outcomes decided on another instance.
    static let recheck = Duration.seconds(1)

    func register(on router: Router<PalisadeRequestContext>, registry: RouteRegistry) {
        router.route(.get, "/v1/approvals", registry: registry) { request, context in
            let claims = try context.requireClaims(Capability.approvalsDecide)
            let parameters = request.uri.queryParameters
            var problems: [ProblemField] = []
            let page = PageRequest(limit: parameters.get("limit"), cursor: parameters.get("cursor"), problems: &problems) {
                Int64($0.sortKey) != nil && UUID(uuidString: $0.id) != nil
            }
            let status = parameters.get("status").map(ApprovalStatus.init(rawValue:))
            if status == .some(nil) {
                problems.append(ProblemField(index: nil, field: "status", reason: "must be pending, approved, denied or expired"))
            }
            guard problems.isEmpty else { throw Problem.invalid("the query parameters are not valid", errors: problems) }
            let found = try await store.list(status: status ?? nil, page: page, scope: claims.scope, logger: context.logger)
            let shown = Array(found.prefix(page.limit))
            let next = found.count > page.limit ? shown.last.map {
                PageCursor(sortKey: "\(Int64(($0.requestedAt.timeIntervalSince1970 * 1_000_000).rounded()))", id: $0.approvalID.uuidString).encoded
            } : nil
            return try MessageBody.json(ApprovalList(approvals: shown.map(ApprovalView.init), nextCursor: next))
        }
        router.route(.get, "/v1/approvals/{id}", registry: registry) { request, context in
            guard let claims = context.claims else { throw Problem.unauthorized("a credential is required") }
            guard claims.allows(Capability.decisionsRequest) || claims.allows(Capability.approvalsDecide) else {
                throw Problem.missingCapability(Capability.decisionsRequest)
            }
            let approvalID = try context.pathUUID("id")
            var wait = 0
            if let text = request.uri.queryParameters.get("wait") {
                guard let seconds = Int(text), (0...Self.maximumWaitSeconds).contains(seconds) else {
                    throw Problem.invalid("the query parameters are not valid", errors: [
                        ProblemField(index: nil, field: "wait", reason: "must be 0 to \(Self.maximumWaitSeconds) seconds"),
                    ])
                }
                wait = seconds
            }
            let approval = try await self.wait(for: approvalID, upTo: .seconds(wait), scope: claims.scope, logger: context.logger)
            guard let approval else { throw Problem.notFound("no approval \(approvalID.uuidString.lowercased()) in this tenant") }
            return try MessageBody.json(ApprovalView(approval))
        }
        for (verb, status) in [("approve", ApprovalStatus.approved), ("deny", ApprovalStatus.denied)] {
            router.route(.post, "/v1/approvals/{id}/\(verb)", registry: registry) { request, context in
                let claims = try context.requireClaims(Capability.approvalsDecide)
                let approvalID = try context.pathUUID("id")
                let body = try await MessageBody.decodeOptionalJSON(request, as: ResolveBody.self, absent: ResolveBody(comment: nil))
                if let comment = body.comment, comment.utf8.count > 2000 {
                    throw Problem.invalid("the body is not valid", errors: [ProblemField(index: nil, field: "comment", reason: "at most 2000 bytes")])
                }
                return try await resolve(approvalID, to: status, comment: body.comment, claims: claims, context)
            }
        }
    }

    /// The approval once it is no longer pending, or as it stands when `timeout` has passed.
    private func wait(for approvalID: UUID, upTo timeout: Duration, scope: TenantScope, logger: Logger) async throws -> Approval? {
        let deadline = ContinuousClock.now + timeout
        while true {
            let approval = try await store.find(approvalID, scope: scope, logger: logger)
            guard let approval, approval.status == .pending else { return approval }
            let remaining = deadline - ContinuousClock.now
            if remaining <= .zero || Task.isCancelled { return approval }
            // Wake by the expiry too: the next read then shows the approval expired.
            let untilExpiry = Duration.milliseconds(max(0, Int64(approval.expiresAt.timeIntervalSinceNow * 1000) + 1))
            await signals.wait(for: approvalID, timeout: min(remaining, Self.recheck, untilExpiry))
        }
    }

    private func resolve(_ approvalID: UUID, to status: ApprovalStatus, comment: String?, claims: PlatformClaims,
                         _ context: PalisadeRequestContext) async throws -> Response {
        let scope = claims.scope
        if let pending = try await store.find(approvalID, scope: scope, logger: context.logger), pending.requestedBy == scope.subject {
            throw Problem.forbidden("an approval is decided by someone other than whoever asked for it")
        }
        let outbox = outbox
        let requestID = context.requestID
        let resolution = try await store.resolve(approvalID, to: status, comment: comment, scope: scope, logger: context.logger) { approval, connection in
            try await outbox.stage(try Self.outcomeRecords(approval, scope: scope, requestID: requestID), on: connection, logger: context.logger)
        }
        switch resolution {
        case .notFound:
            throw Problem.notFound("no approval \(approvalID.uuidString.lowercased()) in this tenant")
        case .closed(let approval):
            throw Problem(.conflict, slug: "approval-closed", title: "Approval closed",
                          detail: "the approval is \(approval.status.rawValue); only a pending approval can be approved or denied")
        case .resolved(let approval):
            signals.signal(approvalID)
            await outbox.flush(tenant: scope.tenantID, logger: context.logger)
            context.logger.info("approval resolved", metadata: ["approval_id": "\(approvalID)", "status": "\(status.rawValue)"])
            return try MessageBody.json(ApprovalView(approval))
        }
    }

    /// An approval's outcome: the approver's act for the ledger, and the decision it amounts to.
    static func outcomeRecords(_ approval: Approval, scope: TenantScope, requestID: String) throws -> [TransactionalOutbox.Entry] {
        let effect = approval.status == .approved ? "allow" : "deny"
        let reason = switch approval.status {
        case .approved: "approved"
        case .denied: "approval_denied"
        default: "approval_expired"
        }
        var decision = Palisade_V1_Decision()
        decision.tenantID = scope.tenantID.uuidString.lowercased()
        decision.decisionID = "decision:approval:\(approval.approvalID.uuidString.lowercased())"
        decision.requestID = approval.requestID
        decision.occurredAt = Google_Protobuf_Timestamp(date: approval.decidedAt ?? Date())
        decision.kind = "permission"
        decision.decision = effect
        decision.reason = reason
        decision.approvalID = approval.approvalID.uuidString.lowercased()
        if case .object(let asked) = approval.request {
            if case .object(let subject)? = asked["subject"] {
                if case .string(let user)? = subject["user"] { decision.subject = user }
                if case .string(let agent)? = subject["agent"] { decision.agent = agent }
            }
            if case .string(let action)? = asked["action"] { decision.action = action }
            if case .string(let resource)? = asked["resource"] { decision.resource = resource }
            if case .string(let route)? = asked["route"] { decision.routeID = route }
        }
        var enforced = Palisade_V1_PackOutcome()
        enforced.packID = approval.packID
        enforced.packVersion = approval.packVersion
        enforced.decision = effect
        enforced.reason = reason
        enforced.rulePath = approval.rulePath
        decision.enforced = enforced
        var resolved: [String: JSONValue] = [
            "approval_id": .string(decision.approvalID), "status": .string(approval.status.rawValue),
            "pack_id": .string(approval.packID), "pack_version": .string(approval.packVersion), "requested_by": .string(approval.requestedBy),
        ]
        if let comment = approval.comment { resolved["comment"] = .string(comment) }
        return [try PolicyRecords.audit("policy.approval_\(approval.status.rawValue)", scope: scope, requestID: requestID, subject: resolved)]
            + (try PolicyRecords.decision(decision, tenant: scope.tenantID))
    }

    struct ResolveBody: Decodable {
        var comment: String?
    }

    struct ApprovalView: Encodable {
        var approvalID: String
        var status: String
        var request: JSONValue
        var packID: String
        var packVersion: String
        var rulePath: String
        var reason: String
        var requestedBy: String
        var requestedAt: String
        var expiresAt: String
        var decidedBy: String?
        var decidedAt: String?
        var comment: String?

        init(_ approval: Approval) {
            approvalID = approval.approvalID.uuidString.lowercased()
            status = approval.status.rawValue
            request = approval.request
            packID = approval.packID
            packVersion = approval.packVersion
            rulePath = approval.rulePath
            reason = approval.reason
            requestedBy = approval.requestedBy
            requestedAt = RFC3339.format(approval.requestedAt)
            expiresAt = RFC3339.format(approval.expiresAt)
            decidedBy = approval.decidedBy
            decidedAt = approval.decidedAt.map(RFC3339.format)
            comment = approval.comment
        }

        enum CodingKeys: String, CodingKey {
            case approvalID = "approval_id"
            case packID = "pack_id"
            case packVersion = "pack_version"
            case rulePath = "rule_path"
            case requestedBy = "requested_by"
            case requestedAt = "requested_at"
            case expiresAt = "expires_at"
            case decidedBy = "decided_by"
            case decidedAt = "decided_at"
            case status, request, reason, comment
        }
    }

    struct ApprovalList: Encodable {
        var approvals: [ApprovalView]
        var nextCursor: String?

        enum CodingKeys: String, CodingKey {
            case nextCursor = "next_cursor"
            case approvals
        }
    }
}
