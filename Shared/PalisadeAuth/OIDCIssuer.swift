import Foundation

/// A tenant's trust in an external identity provider: whose tokens, verified with which keys,
/// for which audiences, and how their claims map onto the tenant and its roles.
public struct OIDCIssuer: Sendable, Equatable {
    public var issuerID: UUID
    public var tenantID: UUID
    /// Exactly the token's `iss`.
    public var issuer: String
    public var jwksURI: String
    /// The token's `aud` must name one of these.
    public var audiences: [String]
    /// When set, the token's claim of this name must equal `tenantClaimValue` (for identity
    /// providers shared by several tenants, e.g. an organisation id).
    public var tenantClaim: String?
    public var tenantClaimValue: String?
    public var subjectClaim: String
    /// A claim holding a string or a list of strings; dots reach into objects (`realm_access.roles`).
    public var rolesClaim: String
    /// Identity provider role → Palisade role; unmapped roles grant nothing.
    public var roleMapping: [String: String]
    /// Roles every verified user of this issuer gets.
    public var defaultRoles: [String]
    public var clockSkew: TimeInterval

    public init(issuerID: UUID, tenantID: UUID, issuer: String, jwksURI: String, audiences: [String],
                tenantClaim: String?, tenantClaimValue: String?, subjectClaim: String, rolesClaim: String,
                roleMapping: [String: String], defaultRoles: [String], clockSkew: TimeInterval) {
        self.issuerID = issuerID
        self.tenantID = tenantID
        self.issuer = issuer
        self.jwksURI = jwksURI
        self.audiences = audiences
        self.tenantClaim = tenantClaim
        self.tenantClaimValue = tenantClaimValue
        self.subjectClaim = subjectClaim
        self.rolesClaim = rolesClaim
        self.roleMapping = roleMapping
        self.defaultRoles = defaultRoles
        self.clockSkew = clockSkew
    }
}

/// What a verified OIDC token says, in Palisade's terms.
public struct OIDCIdentity: Sendable, Equatable {
    public var issuer: OIDCIssuer
    public var subject: String
    /// Palisade roles: the mapped provider roles plus the issuer's defaults.
    public var roles: [String]
    public var expiresAt: Date
}
