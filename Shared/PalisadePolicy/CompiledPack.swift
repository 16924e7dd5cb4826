/// A pack compiled for deciding: conditions compiled, roles and classes indexed, rules
/// indexed by the values their conditions need (`RuleIndex`). `decide` allocates nothing.
///
/// How a request is decided:
/// 1. Roles. Each role of the user that grants the action on the resource allows it, unless
///    the resource is in a sensitive class: then the role's setting for the class applies
///    (deny when it has none). The most permissive of the user's roles counts; with no
///    grant, the pack's default action applies (deny by default).
/// 2. An agent acting for the user is decided the same way with its own roles (the pack's
///    `agents` entry, else the roles the request names), and the less permissive of the two
///    wins: an agent never exceeds its user.
/// 3. Rules. Every rule whose condition holds is a match; the most restrictive match (the
///    first in the pack among equals) decides when it is more restrictive than the roles'
///    answer. A matching `allow` rule never lifts a role's deny; in a pack without roles
///    it allows what the default would not.
// A class: deciding reads it in place instead of copying (and retaining) all its arrays.
public final class CompiledPack: Sendable {
    public let pack: PolicyPack
    /// Sensitive classes, sorted; bit `i` of a class mask is `classNames[i]`.
    public let classNames: [String]
    /// Roles, sorted; `PackDecision.role` indexes this.
    public let roleNames: [String]

    private struct Role: Sendable {
        var permissions: [(actions: [NamePattern], resources: [NamePattern])]
        /// By class index.
        var sensitive: [PolicyEffect?]
    }

    private struct Rule: Sendable {
        /// The rule's condition, a root in `conditions`.
        var root: Int32
        var effect: PolicyEffect
    }

    private let roles: [Role]
    /// Role names to indices in `roles`.
    private let roleIndex: NameTable
    /// Agents' names to indices in `agentRoleLists`: each agent's roles, as role indices.
    private let agentIndex: NameTable
    private let agentRoleLists: [[Int]]
    private let classPatterns: [(pattern: NamePattern, bit: UInt64)]
    private let rules: [Rule]
    /// Every rule's condition.
    private let conditions: ConditionProgram
    /// Which rules a request's values leave worth evaluating.
    private let ruleIndex: RuleIndex

    public init(_ pack: PolicyPack) throws(PackProblems) {
        self.pack = pack
        classNames = pack.resourceClasses.keys.sorted()
        roleNames = pack.roles.keys.sorted()
        var classPatterns: [(NamePattern, UInt64)] = []
        for (index, name) in classNames.enumerated() {
            for pattern in pack.resourceClasses[name] ?? [] { classPatterns.append((NamePattern(pattern), 1 << UInt64(index))) }
        }
        self.classPatterns = classPatterns
        var roleIndex: [String: Int] = [:]
        var roles: [Role] = []
        for (index, name) in roleNames.enumerated() {
            roleIndex[name] = index
            let grant = pack.roles[name] ?? RoleGrant(permissions: [])
            roles.append(Role(
                permissions: grant.permissions.map { ($0.actions.map(NamePattern.init), $0.resources.map(NamePattern.init)) },
                sensitive: classNames.map { grant.sensitive[$0] }
            ))
        }
        self.roles = roles
        self.roleIndex = NameTable(roleIndex.map { ($0.key, $0.value) })
        let agents = pack.agents.keys.sorted()
        agentIndex = NameTable(agents.enumerated().map { ($1, $0) })
        agentRoleLists = agents.map { (pack.agents[$0] ?? []).compactMap { roleIndex[$0] } }

        var problems: [PackProblem] = []
        var rules: [Rule] = []
        let conditions = ConditionProgram(resourceClasses: classNames)
        for (index, rule) in pack.rules.enumerated() {
            do {
                let node = try ConditionParser.parse(rule.when)
                rules.append(Rule(root: try conditions.add(node), effect: rule.action))
            } catch {
                problems.append(PackProblem(line: rule.whenSource?.line ?? 1, column: rule.whenSource?.column ?? 1,
                                            path: "rules[\(index)].when", message: error.message))
            }
        }
        guard problems.isEmpty else { throw PackProblems(problems: problems) }
        self.rules = rules
        self.conditions = conditions
        ruleIndex = RuleIndex(guards: rules.map { conditions.guardTests($0.root) })
    }

    // MARK: Deciding

    public func decide(_ input: DecisionInput) -> PackDecision {
        let classes = classMask(input.resource)
        var decision = principal(userRoles: input.roles, input, classes)
        if let agent = input.agent {
            let agentDecision: PackDecision
            if let agentIndex = agentIndex.value(of: agent) {
                agentDecision = principal(roleIndices: agentRoleLists[agentIndex], input, classes)
            } else {
                agentDecision = principal(userRoles: input.agentRoles, input, classes)
            }
            if agentDecision.effect < decision.effect {
                decision = agentDecision
                if decision.reason == .roleRestriction || decision.reason == .defaultAction { decision.reason = .agentRestriction }
            }
        }
        // Rules only tighten: none is stricter than a deny the roles gave (without roles, the
        // default's deny is not theirs, and a rule that matches is named instead).
        if decision.effect == .deny && !(roles.isEmpty && decision.reason == .defaultAction) { return decision }
        guard let (ruleEffect, rule) = strictestRule(input, classes) else { return decision }
        if roles.isEmpty && decision.reason == .defaultAction {
            // Without roles, rules decide and the default covers only what no rule matched.
            return PackDecision(effect: ruleEffect, reason: .ruleMatched, rule: rule)
        }
        if ruleEffect < decision.effect {
            return PackDecision(effect: ruleEffect, reason: .ruleMatched, rule: rule)
        }
        return decision
    }

    /// The mask of the sensitive classes `resource` belongs to.
    @inline(__always)
    func classMask(_ resource: String) -> UInt64 {
        var mask: UInt64 = 0
        for (pattern, bit) in classPatterns where mask & bit == 0 && pattern.matches(resource) { mask |= bit }
        return mask
    }

    private func principal(userRoles names: [String], _ input: DecisionInput, _ classes: UInt64) -> PackDecision {
        var best: PackDecision?
        for name in names {
            guard let index = roleIndex.value(of: name) else { continue }
            best = better(best, role(index, input, classes))
        }
        return best ?? ungranted(classes)
    }

    private func principal(roleIndices: [Int], _ input: DecisionInput, _ classes: UInt64) -> PackDecision {
        var best: PackDecision?
        for index in roleIndices { best = better(best, role(index, input, classes)) }
        return best ?? ungranted(classes)
    }

    @inline(__always)
    private func better(_ current: PackDecision?, _ candidate: PackDecision?) -> PackDecision? {
        guard let candidate else { return current }
        guard let current else { return candidate }
        return candidate.effect > current.effect ? candidate : current
    }

    /// With no role's grant: a sensitive resource is denied, anything else gets the default.
    private func ungranted(_ classes: UInt64) -> PackDecision {
        if classes != 0 {
            return PackDecision(effect: .deny, reason: .roleRestriction, resourceClass: classes.trailingZeroBitCount)
        }
        return PackDecision(effect: pack.defaultAction, reason: pack.defaultAction == .deny && !roles.isEmpty ? .roleRestriction : .defaultAction)
    }

    /// What role `index` says, or nil when none of its permissions covers the request.
    private func role(_ index: Int, _ input: DecisionInput, _ classes: UInt64) -> PackDecision? {
        // Indexed in place throughout: copying a permission or a pattern would retain its arrays.
        for permissionIndex in roles[index].permissions.indices
        where Self.anyMatches(roles[index].permissions[permissionIndex].actions, input.action)
            && Self.anyMatches(roles[index].permissions[permissionIndex].resources, input.resource) {
            var decision = PackDecision(effect: .allow, reason: .roleGrant, role: index, permission: permissionIndex)
            var remaining = classes
            while remaining != 0 {
                let classIndex = remaining.trailingZeroBitCount
                remaining &= remaining &- 1
                let effect = roles[index].sensitive[classIndex] ?? .deny
                if effect < decision.effect {
                    decision = PackDecision(effect: effect, reason: .sensitiveClass, role: index, permission: permissionIndex, resourceClass: classIndex)
                }
            }
            return decision
        }
        return nil
    }

    @inline(__always)
    private static func anyMatches(_ patterns: [NamePattern], _ text: String) -> Bool {
        for index in patterns.indices where patterns[index].matches(text) { return true }
        return false
    }

    /// The most restrictive rule that matches (the first among equals), if any does.
    private func strictestRule(_ input: DecisionInput, _ classes: UInt64) -> (PolicyEffect, Int)? {
        guard !rules.isEmpty else { return nil }
        return ResolvedContext.resolving(for: conditions, of: input) { context in
            withUnsafeTemporaryAllocation(of: UInt64.self, capacity: ruleIndex.wordCount) { candidates in
                ruleIndex.candidates(input, context, into: candidates)
                var best: (PolicyEffect, Int)?
                // Candidates in pack order: a later rule wins only by being stricter.
                for word in candidates.indices {
                    var bits = candidates[word]
                    while bits != 0 {
                        let index = word << 6 | bits.trailingZeroBitCount
                        bits &= bits &- 1
                        let effect = rules[index].effect
                        if let current = best {
                            if current.0 == .deny { return best }
                            if effect >= current.0 { continue }
                        }
                        if conditions.holds(rules[index].root, input, classes: classes, context: context) { best = (effect, index) }
                    }
                }
                return best
            }
        }
    }

    // MARK: Rendering

    /// Where the decision came from: `rules/<id>`, `roles/<role>/permissions/<n>`,
    /// `roles/<role>/sensitive/<class>`, `resource_classes/<class>` or `default_action`.
    public func path(of decision: PackDecision) -> String {
        if let rule = decision.rule { return "rules/\(pack.rules[rule].ruleID)" }
        if let role = decision.role {
            if let resourceClass = decision.resourceClass { return "roles/\(roleNames[role])/sensitive/\(classNames[resourceClass])" }
            return "roles/\(roleNames[role])/permissions/\(decision.permission ?? 0)"
        }
        if let resourceClass = decision.resourceClass { return "resource_classes/\(classNames[resourceClass])" }
        return "default_action"
    }

    /// A role that would allow the request by itself, when one would (for "role_required").
    public func roleRequired(for input: DecisionInput) -> String? {
        let classes = classMask(input.resource)
        for index in roles.indices where role(index, input, classes)?.effect == .allow { return roleNames[index] }
        return nil
    }
}
