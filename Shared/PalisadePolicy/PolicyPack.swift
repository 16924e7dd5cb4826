/// What a decision comes to, from the most to the least restrictive.
public enum PolicyEffect: String, Sendable, CaseIterable, Comparable {
    case deny
    case requireApproval = "require_approval"
    case allow

    private var rank: Int {
        switch self {
        case .deny: 0
        case .requireApproval: 1
        case .allow: 2
        }
    }

    public static func < (a: PolicyEffect, b: PolicyEffect) -> Bool { a.rank < b.rank }
}

public enum RuleSeverity: String, Sendable, CaseIterable {
    case low, medium, high, critical
}

/// Where a pack applies: the whole tenant, or only calls on some routes.
public enum PackScope: Sendable, Equatable {
    case tenant
    case routes([String])
}

/// Actions on resources a role may take. A pattern is exact, `prefix*`, or `*`.
public struct Permission: Sendable, Equatable {
    public var actions: [String]
    public var resources: [String]

    public init(actions: [String], resources: [String]) {
        self.actions = actions
        self.resources = resources
    }
}

/// What a role grants: its permissions, and its effect on each sensitive resource class
/// (`export`, `admin`, `write`…); a class the role does not name is denied to it.
public struct RoleGrant: Sendable, Equatable {
    public var permissions: [Permission]
    public var sensitive: [String: PolicyEffect]

    public init(permissions: [Permission], sensitive: [String: PolicyEffect] = [:]) {
        self.permissions = permissions
        self.sensitive = sensitive
    }
}

public struct PackRule: Sendable, Equatable {
    public var ruleID: String
    public var description: String
    public var severity: RuleSeverity
    /// The condition's text, compiled when the pack is.
    public var when: String
    public var action: PolicyEffect
    /// Where `when` was in the pack's source, to place compile errors (nil: built in code).
    public var whenSource: SourceSpan?

    public init(ruleID: String, description: String = "", severity: RuleSeverity = .medium, when: String, action: PolicyEffect,
                whenSource: SourceSpan? = nil) {
        self.ruleID = ruleID
        self.description = description
        self.severity = severity
        self.when = when
        self.action = action
        self.whenSource = whenSource
    }

    public static func == (a: PackRule, b: PackRule) -> Bool {
        a.ruleID == b.ruleID && a.description == b.description && a.severity == b.severity && a.when == b.when && a.action == b.action
    }
}

/// A policy pack: roles and what they grant, the agents it knows, its sensitive resource
/// classes, and rules that deny or ask for approval. The same model reads from YAML or JSON
/// and is signed as canonical JSON.
public struct PolicyPack: Sendable, Equatable {
    public var id: String
    public var version: SemanticVersion
    public var description: String
    /// What a request that no role and no rule decides gets.
    public var defaultAction: PolicyEffect
    public var scope: PackScope
    public var roles: [String: RoleGrant]
    /// Agents by id, with their own roles.
    public var agents: [String: [String]]
    /// Sensitive classes by name, with the resource patterns in them.
    public var resourceClasses: [String: [String]]
    public var rules: [PackRule]
    /// How long a pending approval waits before it expires.
    public var approvalExpirySeconds: Int
    /// SLA and risk triggers over the runtime events of the routes the pack applies to.
    public var triggers: [PackTrigger]

    public static let defaultApprovalExpirySeconds = 3600

    public init(id: String, version: SemanticVersion, description: String = "", defaultAction: PolicyEffect = .deny, scope: PackScope = .tenant,
                roles: [String: RoleGrant] = [:], agents: [String: [String]] = [:], resourceClasses: [String: [String]] = [:],
                rules: [PackRule] = [], approvalExpirySeconds: Int = PolicyPack.defaultApprovalExpirySeconds, triggers: [PackTrigger] = []) {
        self.id = id
        self.version = version
        self.description = description
        self.defaultAction = defaultAction
        self.scope = scope
        self.roles = roles
        self.agents = agents
        self.resourceClasses = resourceClasses
        self.rules = rules
        self.approvalExpirySeconds = approvalExpirySeconds
        self.triggers = triggers
    }

    /// Pack ids, rule ids, role and class names: letters, digits, `_ - . :`, at most 128.
    public static func isName(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.count <= 128 && text.utf8.allSatisfy { byte in
            (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
                || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: ":")
        }
    }
}

/// A place in a pack's source text (1-based line and column, in Unicode scalars), with how
/// the scalar there was written, so offsets inside it can be placed too.
public struct SourceSpan: Sendable, Equatable {
    public enum Style: Sendable, Equatable { case plain, singleQuoted, doubleQuoted, block }
    public var line: Int
    public var column: Int
    public var style: Style

    public init(line: Int, column: Int, style: Style) {
        self.line = line
        self.column = column
        self.style = style
    }
}
