import PalisadeAuth
import PalisadeService

/// Non-escalation: whoever grants a role (to a user, an issuer mapping or a new role) must hold
/// every capability it carries, so identity administration can never widen the granter's reach.
enum GrantCheck {
    /// Problems for `field`: roles that do not exist, and capabilities the caller lacks.
    static func roles(_ names: [String], granting capabilities: [String: [String]], by caller: PlatformClaims, field: String) -> [ProblemField] {
        var problems: [ProblemField] = []
        for name in Set(names).sorted() {
            guard let granted = capabilities[name] else {
                problems.append(ProblemField(index: nil, field: field, reason: "no role named '\(name)'"))
                continue
            }
            let lacking = granted.filter { !caller.allows($0) }
            if !lacking.isEmpty {
                problems.append(ProblemField(index: nil, field: field,
                                             reason: "role '\(name)' grants \(lacking.joined(separator: ", ")), which the caller does not hold"))
            }
        }
        return problems
    }

    /// Problems for a capability list: unknown names and capabilities the caller lacks.
    static func capabilities(_ requested: [String], by caller: PlatformClaims, field: String) -> [ProblemField] {
        requested.compactMap { capability in
            if !Capability.known.contains(capability) {
                return ProblemField(index: nil, field: field, reason: "'\(capability)' is not a capability")
            }
            if !caller.allows(capability) {
                return ProblemField(index: nil, field: field, reason: "'\(capability)' is not held by the caller")
            }
            return nil
        }
    }
}
