/// What a permission decision is asked about: who (a user, and the agent acting for them),
/// what action on which resource, and the request's context; the gateway adds the route,
/// model, provider and its detectors' findings.
public struct DecisionInput: Sendable {
    public var user: String
    /// The agent acting for `user`, if any: it gets only what both of them may do.
    public var agent: String?
    /// The user's roles.
    public var roles: [String]
    /// The agent's roles, when the pack does not name the agent itself.
    public var agentRoles: [String]
    public var action: String
    public var resource: String
    public var route: String?
    public var model: String?
    public var provider: String?
    /// Detector names of the gateway's findings (`openai_api_key`, `instruction_override`).
    public var findings: [String]
    /// Their categories (`injection`, `pii`, `secret`).
    public var findingCategories: [String]
    public var context: [String: PolicyValue]

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
