import Foundation
import Hummingbird
import PalisadeAuth
import PalisadeEvents
import PalisadeService

/// `POST /v1/decisions` and `POST /v1/decisions/batch` (capability `decisions:request`).
struct DecisionRoutes: Sendable {
    let decider: PermissionDecider

    func register(on router: Router<PalisadeRequestContext>, registry: RouteRegistry) {
        router.route(.post, "/v1/decisions", registry: registry) { request, context in
            let claims = try context.requireClaims(Capability.decisionsRequest)
            let body = try Self.shaped(try await MessageBody.readJSON(request), DecisionRequest.init(json:))
            var problems: [ProblemField] = []
            guard let input = body.validated(problems: &problems) else {
                throw Problem.invalid("the decision request is not valid", errors: problems)
            }
            let answers = try await decider.decide([input], scope: claims.scope, requestID: context.requestID, trace: context.trace,
                                                   logger: context.logger)
            return try MessageBody.json(DecisionView(answers[0], requestID: context.requestID))
        }
        router.route(.post, "/v1/decisions/batch", registry: registry) { request, context in
            let claims = try context.requireClaims(Capability.decisionsRequest)
            let body = try Self.shaped(try await MessageBody.readJSON(request, limit: 1024 * 1024), DecisionBatch.init(json:))
            guard let requests = body.requests, (1...DecisionBatch.maximumRequests).contains(requests.count) else {
                throw Problem.invalid("the batch is not valid", errors: [
                    ProblemField(index: nil, field: "requests", reason: "must hold 1 to \(DecisionBatch.maximumRequests) decision requests"),
                ])
            }
            var problems: [ProblemField] = []
            let inputs = requests.enumerated().compactMap { $0.element.validated(index: $0.offset, problems: &problems) }
            guard problems.isEmpty else { throw Problem.invalid("some decision requests are not valid", errors: problems) }
            let answers = try await decider.decide(inputs, scope: claims.scope, requestID: context.requestID, trace: context.trace,
                                                   logger: context.logger)
            return try MessageBody.json(BatchView(decisions: answers.map { DecisionView($0, requestID: context.requestID) }))
        }
    }

    private static func shaped<Body>(_ json: JSONValue, _ map: (JSONValue) throws(WrongShape) -> Body) throws -> Body {
        do {
            return try map(json)
        } catch {
            throw Problem.malformed("the body is not valid JSON of the expected shape")
        }
    }

    /// Seed 001's permission-decision object, plus where the answer came from.
    struct DecisionView: Encodable {
        var decisionID: String
        var requestID: String
        var decision: String
        var reason: String
        var action: String
        var resource: String
        var rulePath: String?
        var packID: String?
        var packVersion: String?
        var roleRequired: String?
        var approval: ApprovalRoutes.ApprovalView?

        init(_ answer: PermissionDecider.Answer, requestID: String) {
            decisionID = answer.decisionID
            self.requestID = requestID
            decision = answer.effect
            reason = answer.reason
            action = answer.action
            resource = answer.resource
            rulePath = answer.rulePath
            packID = answer.packID
            packVersion = answer.packVersion
            roleRequired = answer.roleRequired
            approval = answer.approval.map(ApprovalRoutes.ApprovalView.init)
        }

        enum CodingKeys: String, CodingKey {
            case decisionID = "decision_id"
            case requestID = "request_id"
            case rulePath = "rule_path"
            case packID = "pack_id"
            case packVersion = "pack_version"
            case roleRequired = "role_required"
            case decision, reason, action, resource, approval
        }
    }

    struct BatchView: Encodable {
        var decisions: [DecisionView]
    }
}
