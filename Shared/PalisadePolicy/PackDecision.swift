/// Why a pack decided as it did.
public enum DecisionReason: String, Sendable {
    /// A rule matched and decided.
    case ruleMatched = "rule_matched"
    /// A role's permission allowed it.
    case roleGrant = "role_grant"
    /// No role of the subject grants the action on the resource.
    case roleRestriction = "role_restriction"
    /// The resource is in a sensitive class the role denies or sends for approval.
    case sensitiveClass = "sensitive_class"
    /// The user may, the agent acting for them may not.
    case agentRestriction = "agent_restriction"
    /// Nothing in the pack decided; its default action applies.
    case defaultAction = "default_action"
}

/// One pack's answer, as indices into the pack (rendering names is left to the caller, so
/// deciding allocates nothing).
public struct PackDecision: Sendable, Equatable {
    public var effect: PolicyEffect
    public var reason: DecisionReason
    /// The rule that decided (`reason == .ruleMatched`).
    public var rule: Int?
    /// The role whose grant or sensitive-class setting decided, by index in `CompiledPack.roleNames`.
    public var role: Int?
    public var permission: Int?
    /// The sensitive class that decided, by index in `CompiledPack.classNames`.
    public var resourceClass: Int?

    init(effect: PolicyEffect, reason: DecisionReason, rule: Int? = nil, role: Int? = nil, permission: Int? = nil, resourceClass: Int? = nil) {
        self.effect = effect
        self.reason = reason
        self.rule = rule
        self.role = role
        self.permission = permission
        self.resourceClass = resourceClass
    }
}
