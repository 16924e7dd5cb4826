import Foundation
import PalisadePolicy
import PalisadeService

/// The body of `POST /v1/decisions` (one element of the batch form):
/// `{"subject": {"user", "agent", "roles", "agent_roles"}, "action", "resource", "context",
///   "route", "model", "provider", "findings": [{"detector", "category"}]}`.
struct DecisionRequest: Decodable, Sendable {
    struct Subject: Decodable, Sendable {
        var user: String?
        var agent: String?
        var roles: [String]?
        var agentRoles: [String]?

        enum CodingKeys: String, CodingKey {
            case agentRoles = "agent_roles"
            case user, agent, roles
        }
    }

    struct Finding: Decodable, Sendable {
        var detector: String?
        var category: String?
    }

    var subject: Subject?
    var action: String?
    var resource: String?
    var context: [String: PolicyValue]?
    var route: String?
    var model: String?
    var provider: String?
    var findings: [Finding]?

    static let maximumRoles = 64
    static let maximumFindings = 256

    /// The decision input, or the problems with the request (each with `index` when the
    /// request is element `index` of a batch).
    func validated(index: Int? = nil, problems: inout [ProblemField]) -> DecisionInput? {
        let before = problems.count
        func check(_ field: String, _ value: String?, required: Bool, limit: Int) {
            guard let value else {
                if required { problems.append(ProblemField(index: index, field: field, reason: "is required")) }
                return
            }
            if value.isEmpty || value.utf8.count > limit {
                problems.append(ProblemField(index: index, field: field, reason: "must be 1 to \(limit) bytes"))
            }
        }
        check("subject.user", subject?.user, required: true, limit: 256)
        check("subject.agent", subject?.agent, required: false, limit: 256)
        check("action", action, required: true, limit: 256)
        check("resource", resource, required: true, limit: 1024)
        check("route", route, required: false, limit: 128)
        check("model", model, required: false, limit: 256)
        check("provider", provider, required: false, limit: 64)
        for (field, roles) in [("subject.roles", subject?.roles ?? []), ("subject.agent_roles", subject?.agentRoles ?? [])] {
            if roles.count > Self.maximumRoles || roles.contains(where: { $0.isEmpty || $0.utf8.count > 128 }) {
                problems.append(ProblemField(index: index, field: field, reason: "at most \(Self.maximumRoles) names of 1 to 128 bytes"))
            }
        }
        let findings = findings ?? []
        if findings.count > Self.maximumFindings || findings.contains(where: { ($0.detector ?? "").isEmpty || ($0.category ?? "").isEmpty }) {
            problems.append(ProblemField(index: index, field: "findings", reason: "at most \(Self.maximumFindings) of {detector, category}"))
        }
        guard problems.count == before, let user = subject?.user, let action, let resource else { return nil }
        return DecisionInput(
            user: user, agent: subject?.agent, roles: subject?.roles ?? [], agentRoles: subject?.agentRoles ?? [],
            action: action, resource: resource, route: route, model: model, provider: provider,
            findings: findings.compactMap(\.detector), findingCategories: findings.compactMap(\.category),
            context: context ?? [:]
        )
    }
}

/// `{"requests": [DecisionRequest, …]}`.
struct DecisionBatch: Decodable, Sendable {
    var requests: [DecisionRequest]?

    static let maximumRequests = 100
}
