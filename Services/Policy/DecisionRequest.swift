import Foundation
import PalisadeEvents
import PalisadePolicy
import PalisadeService

/// The body of `POST /v1/decisions` (one element of the batch form):
/// `{"subject": {"user", "agent", "roles", "agent_roles"}, "action", "resource", "context",
///   "route", "model", "provider", "findings": [{"detector", "category"}]}`.
///
/// Mapped by hand from the parsed body (`init(json:)`): decoding the free-form `context` with
/// `JSONDecoder` was a fifth of the service's time per decision.
struct DecisionRequest: Sendable {
    struct Subject: Sendable {
        var user: String?
        var agent: String?
        var roles: [String]?
        var agentRoles: [String]?
    }

    struct Finding: Sendable {
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
struct DecisionBatch: Sendable {
    var requests: [DecisionRequest]?

    static let maximumRequests = 100

    init(json: JSONValue) throws(WrongShape) {
        let members = try JSONShape.object(json)
        requests = try JSONShape.list(members["requests"]) { item throws(WrongShape) in try DecisionRequest(json: item) }
    }
}

/// A member of the wrong type: the body is JSON, not of the expected shape.
struct WrongShape: Error {}

extension DecisionRequest {
    init(json: JSONValue) throws(WrongShape) {
        let members = try JSONShape.object(json)
        if let subject = try JSONShape.optionalObject(members["subject"]) {
            self.subject = Subject(
                user: try JSONShape.string(subject["user"]), agent: try JSONShape.string(subject["agent"]),
                roles: try JSONShape.strings(subject["roles"]), agentRoles: try JSONShape.strings(subject["agent_roles"])
            )
        }
        action = try JSONShape.string(members["action"])
        resource = try JSONShape.string(members["resource"])
        route = try JSONShape.string(members["route"])
        model = try JSONShape.string(members["model"])
        provider = try JSONShape.string(members["provider"])
        context = try JSONShape.optionalObject(members["context"])?.mapValues(PolicyValue.init(json:))
        findings = try JSONShape.list(members["findings"]) { item throws(WrongShape) in
            let finding = try JSONShape.object(item)
            return Finding(detector: try JSONShape.string(finding["detector"]), category: try JSONShape.string(finding["category"]))
        }
    }
}

extension PolicyValue {
    init(json: JSONValue) {
        switch json {
        case .null: self = .null
        case .bool(let flag): self = .bool(flag)
        case .integer(let integer): self = .number(Double(integer))
        case .number(let number): self = .number(number)
        case .string(let text): self = .string(text)
        case .array(let items): self = .list(items.map(PolicyValue.init(json:)))
        case .object(let members): self = .object(members.mapValues(PolicyValue.init(json:)))
        }
    }
}

/// Members of a parsed body read as `Decodable` would: absent and null are nil, any other
/// type than the one asked for is `WrongShape`.
enum JSONShape {
    static func object(_ value: JSONValue) throws(WrongShape) -> [String: JSONValue] {
        guard case .object(let members) = value else { throw WrongShape() }
        return members
    }

    static func optionalObject(_ value: JSONValue?) throws(WrongShape) -> [String: JSONValue]? {
        guard let value, value != .null else { return nil }
        return try object(value)
    }

    static func string(_ value: JSONValue?) throws(WrongShape) -> String? {
        switch value {
        case nil, .null?: return nil
        case .string(let text)?: return text
        default: throw WrongShape()
        }
    }

    static func strings(_ value: JSONValue?) throws(WrongShape) -> [String]? {
        try list(value) { item throws(WrongShape) in
            guard case .string(let text) = item else { throw WrongShape() }
            return text
        }
    }

    static func list<Element>(_ value: JSONValue?, _ element: (JSONValue) throws(WrongShape) -> Element) throws(WrongShape) -> [Element]? {
        switch value {
        case nil, .null?: return nil
        case .array(let items)?:
            var elements: [Element] = []
            elements.reserveCapacity(items.count)
            for item in items { elements.append(try element(item)) }
            return elements
        default: throw WrongShape()
        }
    }
}
