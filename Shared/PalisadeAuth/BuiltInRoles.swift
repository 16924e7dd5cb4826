/// Roles every tenant has. Tenants add their own in `identity.roles`; these names are reserved.
public enum BuiltInRoles {
    public static let capabilities: [String: [String]] = [
        "admin": Capability.tenantAdministration,
        "operator": [
            Capability.eventsWrite, Capability.eventsRead, Capability.decisionsRequest,
            Capability.incidentsRead, Capability.incidentsWrite, Capability.auditRead, Capability.proxyUse,
        ],
        "viewer": [Capability.eventsRead, Capability.incidentsRead, Capability.auditRead],
        "agent": [Capability.eventsWrite, Capability.decisionsRequest, Capability.proxyUse],
    ]

    public static func isReserved(_ name: String) -> Bool { capabilities[name] != nil }
}
