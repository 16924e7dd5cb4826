/// The fields a `when` condition reads.
enum PolicyField: Sendable, Equatable {
    case user, agent, roles, agentRoles, action, resource, resourceClasses, route, model, provider, findings, findingCategories
    /// A path below `context` (`context.ticket.priority` is ["ticket", "priority"]).
    case context([String])

    enum Kind { case string, list, dynamic }

    static let named: [(String, PolicyField)] = [
        ("subject.user", .user), ("subject.agent", .agent), ("subject.roles", .roles), ("subject.agent_roles", .agentRoles),
        ("action", .action), ("resource", .resource), ("resource.classes", .resourceClasses), ("route", .route),
        ("model", .model), ("provider", .provider), ("findings", .findings), ("findings.categories", .findingCategories),
    ]

    init?(path: String) {
        if let (_, field) = Self.named.first(where: { $0.0 == path }) {
            self = field
        } else if path.hasPrefix("context."), !path.hasSuffix(".") {
            let keys = path.dropFirst("context.".count).split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            guard !keys.contains(where: \.isEmpty) else { return nil }
            self = .context(keys)
        } else {
            return nil
        }
    }

    var kind: Kind {
        switch self {
        case .user, .agent, .action, .resource, .route, .model, .provider: .string
        case .roles, .agentRoles, .resourceClasses, .findings, .findingCategories: .list
        case .context: .dynamic
        }
    }
}

/// The eleven comparison operators and `exists`.
enum ConditionOperator: String, Sendable, CaseIterable {
    case eq, ne, `in`, notIn = "not_in", contains, startsWith = "starts_with", matches, gt, gte, lt, lte, exists

    /// Symbolic spellings accepted beside the names.
    static let symbols: [String: ConditionOperator] = ["==": .eq, "!=": .ne, ">": .gt, ">=": .gte, "<": .lt, "<=": .lte]
}

/// A literal on the right of an operator.
indirect enum PolicyLiteral: Sendable, Equatable {
    case string(String)
    case number(Double)
    case bool(Bool)
    case null
    case list([PolicyLiteral])

    var isScalar: Bool {
        if case .list = self { return false }
        return true
    }
}

/// A parsed condition; offsets count Unicode scalars into the condition's text.
indirect enum ConditionNode: Sendable {
    case all([ConditionNode])
    case any([ConditionNode])
    case not(ConditionNode)
    case comparison(field: PolicyField, fieldOffset: Int, op: ConditionOperator, literal: PolicyLiteral?, literalOffset: Int)
}

/// A condition that does not parse or does not make sense; `offset` counts Unicode scalars.
public struct ConditionError: Error, Sendable, Equatable {
    public var message: String
    public var offset: Int
}
