import Foundation
import Hummingbird
import PalisadeAuth
import PalisadeEvents
import PalisadeRules
import PalisadeService

/// `POST/GET /v1/policy-rules` and `DELETE /v1/policy-rules/{id}` (capability `policy:admin`).
struct RuleRoutes: Sendable {
    let store: RuleStore

    struct RuleView: Encodable {
        var ruleID: String
        var name: String
        var field: String
        var comparison: String
        var value: JSONValue
        var severity: String
        var action: String

        init(_ rule: ThresholdRule) {
            ruleID = rule.ruleID.uuidString.lowercased()
            name = rule.name
            field = rule.field.rawValue
            comparison = rule.comparison.rawValue
            value = rule.value
            severity = rule.severity
            action = rule.action
        }

        enum CodingKeys: String, CodingKey {
            case ruleID = "rule_id"
            case comparison = "operator"
            case name, field, value, severity, action
        }
    }

    struct RuleList: Encodable {
        var rules: [RuleView]
    }

    func register(on router: Router<PalisadeRequestContext>, registry: RouteRegistry) {
        router.route(.post, "/v1/policy-rules", registry: registry) { request, context in
            let claims = try context.requireClaims(Capability.policyAdmin)
            let draft = RuleDraft(json: try await MessageBody.decodeJSON(request, as: JSONValue.self))
            let rule: ThresholdRule
            switch draft.validated() {
            case .success(let valid): rule = valid
            case .failure(let error):
                throw Problem.invalid("the rule is not valid", errors: error.violations.map {
                    ProblemField(index: $0.index, field: $0.field, reason: $0.reason)
                })
            }
            try await store.create(rule, scope: claims.scope, logger: context.logger)
            context.logger.info("policy rule created", metadata: ["rule_id": "\(rule.ruleID)"])
            return try MessageBody.json(RuleView(rule), status: .created)
        }
        router.route(.get, "/v1/policy-rules", registry: registry) { _, context in
            let claims = try context.requireClaims(Capability.policyAdmin)
            let rules = try await store.list(scope: claims.scope, logger: context.logger)
            return try MessageBody.json(RuleList(rules: rules.map(RuleView.init)))
        }
        router.route(.delete, "/v1/policy-rules/{id}", registry: registry) { _, context in
            let claims = try context.requireClaims(Capability.policyAdmin)
            let ruleID = try context.pathUUID("id")
            guard try await store.delete(ruleID, scope: claims.scope, logger: context.logger) else {
                throw Problem.notFound("no policy rule \(ruleID.uuidString.lowercased()) in this tenant")
            }
            context.logger.info("policy rule deleted", metadata: ["rule_id": "\(ruleID)"])
            return Response(status: .noContent)
        }
    }
}
