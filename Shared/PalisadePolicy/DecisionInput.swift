/// What a permission decision is asked about: who (a user, and the agent acting for them),
/// what action on which resource, and the request's context; the gateway adds the route,
/// model, provider and its detectors' findings.
///
/// An immutable class: deciding passes one reference around, where a struct of this size was
/// copied member by member (a retain each) wherever it was read from an array or captured.
public final class DecisionInput: Sendable {
    public let user: String
    /// The agent acting for `user`, if any: it gets only what both of them may do.
    public let agent: String?
    /// The user's roles.
    public let roles: [String]
    /// The agent's roles, when the pack does not name the agent itself.
    public let agentRoles: [String]
    public let action: String
    public let resource: String
    public let route: String?
    public let model: String?
    public let provider: String?
    /// Detector names of the gateway's findings (`openai_api_key`, `instruction_override`).
    public let findings: [String]
    /// Their categories (`injection`, `pii`, `secret`).
    public let findingCategories: [String]
    public let context: [String: PolicyValue]

    public init(user: String, agent: String? = nil, roles: [String] = [], agentRoles: [String] = [], action: String, resource: String,
                route: String? = nil, model: String? = nil, provider: String? = nil, findings: [String] = [],
                findingCategories: [String] = [], context: [String: PolicyValue] = [:]) {
        self.user = user
        self.agent = agent
        self.roles = roles
        self.agentRoles = agentRoles
        self.action = action
        self.resource = resource
        self.route = route
        self.model = model
        self.provider = provider
        self.findings = findings
        self.findingCategories = findingCategories
        self.context = context
    }
}
