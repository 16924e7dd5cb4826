import Foundation
import Hummingbird
import PalisadeAuth
import PalisadeEvents
import PalisadeLedger
import PalisadeService

/// `GET /v1/audit` (records in sequence order) and `GET /v1/audit/verify` (capability `audit:read`).
struct AuditRoutes: Sendable {
    let ledger: LedgerStore

    struct RecordView: Encodable {
        var sequence: Int64
        var entryID: String
        var kind: String
        var actor: String
        var occurredAt: String
        var requestID: String
        var subject: JSONValue
        var hash: String
        var appendedAt: String

        enum CodingKeys: String, CodingKey {
            case sequence, kind, actor, subject, hash
            case entryID = "entry_id"
            case occurredAt = "occurred_at"
            case requestID = "request_id"
            case appendedAt = "appended_at"
        }
    }

    struct RecordPage: Encodable {
        var records: [RecordView]
        var nextAfter: Int64?

        enum CodingKeys: String, CodingKey {
            case records
            case nextAfter = "next_after"
        }
    }

    struct Verdict: Encodable {
        var ok: Bool
        var records: Int64
        var head: String
        var firstBadSequence: Int64?
        var reason: String?

        enum CodingKeys: String, CodingKey {
            case ok, records, head, reason
            case firstBadSequence = "first_bad_sequence"
        }
    }

    func register(on router: Router<PalisadeRequestContext>, registry: RouteRegistry) {
        router.route(.get, "/v1/audit", registry: registry) { request, context in
            let claims = try context.requireClaims(Capability.auditRead)
            let parameters = request.uri.queryParameters
            var problems: [ProblemField] = []
            let page = PageRequest(limit: parameters.get("limit"), cursor: nil, problems: &problems)
            var after: Int64 = 0
            if let text = parameters.get("after") {
                if let value = Int64(text), value >= 0 { after = value } else {
                    problems.append(ProblemField(index: nil, field: "after", reason: "must be a sequence number (0 or more)"))
                }
            }
            guard problems.isEmpty else { throw Problem.invalid("the query parameters are not valid", errors: problems) }
            let stored = try await ledger.page(after: after, limit: page.limit + 1, scope: claims.scope, logger: context.logger)
            let shown = stored.prefix(page.limit)
            let views = shown.map { item in
                RecordView(
                    sequence: item.record.sequence, entryID: item.record.entryID, kind: item.record.kind,
                    actor: item.record.actor, occurredAt: item.record.occurredAt, requestID: item.record.requestID,
                    subject: (try? JSONReader.parse(item.record.subject.utf8)) ?? .string(item.record.subject),
                    hash: Hex.encode(item.hash), appendedAt: RFC3339.format(item.appendedAt)
                )
            }
            let next = stored.count > page.limit ? shown.last?.record.sequence : nil
            return try MessageBody.json(RecordPage(records: Array(views), nextAfter: next))
        }
        router.route(.get, "/v1/audit/verify", registry: registry) { _, context in
            let claims = try context.requireClaims(Capability.auditRead)
            let verifier = try await ledger.verify(scope: claims.scope, logger: context.logger)
            if let failure = verifier.failure {
                context.logger.warning("audit chain broken", metadata: ["sequence": "\(failure.sequence)", "reason": "\(failure.reason)"])
            }
            return try MessageBody.json(Verdict(
                ok: verifier.failure == nil, records: verifier.checked, head: Hex.encode(verifier.head),
                firstBadSequence: verifier.failure?.sequence, reason: verifier.failure?.reason
            ))
        }
    }
}
