import Foundation
import JWTKit

/// What a platform token says: who acts, for which tenant, allowed to do what.
///
/// Services accept only these tokens. They live at most `PlatformClaims.maximumLifetime`.
public struct PlatformClaims: JWTPayload, Equatable {
    public static let issuer = "palisade"
    public static let audience = "palisade-services"
    public static let maximumLifetime: TimeInterval = 15 * 60

    public var iss: IssuerClaim
    public var aud: AudienceClaim
    public var sub: SubjectClaim
    public var tenantID: String
    public var roles: [String]
    public var capabilities: [String]
    public var requestID: String?
    public var iat: IssuedAtClaim
    public var exp: ExpirationClaim

    enum CodingKeys: String, CodingKey {
        case iss, aud, sub, roles, capabilities, iat, exp
        case tenantID = "tenant_id"
        case requestID = "request_id"
    }

    public init(
        subject: String, tenantID: UUID, roles: [String], capabilities: [String],
        requestID: String? = nil, issuedAt: Date = Date(), lifetime: TimeInterval = maximumLifetime
    ) {
        iss = IssuerClaim(value: Self.issuer)
        aud = AudienceClaim(value: [Self.audience])
        sub = SubjectClaim(value: subject)
        self.tenantID = tenantID.uuidString.lowercased()
        self.roles = roles
        self.capabilities = capabilities
        self.requestID = requestID
        iat = IssuedAtClaim(value: issuedAt)
        exp = ExpirationClaim(value: issuedAt.addingTimeInterval(min(lifetime, Self.maximumLifetime)))
    }

    public func verify(using algorithm: some JWTAlgorithm) async throws {
        try exp.verifyNotExpired()
        guard iss.value == Self.issuer else { throw TokenError.invalid("issuer is not \(Self.issuer)") }
        try aud.verifyIntendedAudience(includes: Self.audience)
        // One second of leeway for clock granularity between minting and encoding.
        guard exp.value.timeIntervalSince(iat.value) <= Self.maximumLifetime + 1 else {
            throw TokenError.invalid("token lifetime exceeds 15 minutes")
        }
        guard tenant != nil else { throw TokenError.invalid("tenant_id is not a UUID") }
    }

    /// The tenant as a UUID; `verify` guarantees it parses.
    public var tenant: UUID? { UUID(uuidString: tenantID) }

    public func allows(_ capability: String) -> Bool {
        capabilities.contains(capability) || capabilities.contains(Capability.all)
    }
}

/// The capabilities services check. A key or token grants a list of these.
public enum Capability {
    public static let all = "*"
    public static let eventsWrite = "events:write"
    public static let eventsRead = "events:read"
    public static let tenantsAdmin = "tenants:admin"
    public static let policyAdmin = "policy:admin"
    public static let decisionsRequest = "decisions:request"
    /// Approve or deny what a policy pack sent for approval.
    public static let approvalsDecide = "approvals:decide"
    public static let incidentsRead = "incidents:read"
    public static let incidentsWrite = "incidents:write"
    public static let auditRead = "audit:read"
    public static let alertsAdmin = "alerts:admin"
    public static let siemAdmin = "siem:admin"
    public static let watchersAdmin = "watchers:admin"
    public static let keysAdmin = "keys:admin"
    /// Users, roles and OIDC issuers of the tenant.
    public static let identityAdmin = "identity:admin"
    public static let proxyUse = "proxy:use"
    /// Values the gateway redacted reversibly, revealed one at a time (each reveal audited).
    public static let redactionsReveal = "redactions:reveal"

    /// Everything a tenant's administrator may do inside the tenant (not `tenants:admin`).
    public static let tenantAdministration = [
        eventsWrite, eventsRead, policyAdmin, decisionsRequest, approvalsDecide, incidentsRead, incidentsWrite, auditRead,
        alertsAdmin, siemAdmin, watchersAdmin, keysAdmin, identityAdmin, proxyUse, redactionsReveal,
    ]

    /// Every capability a credential may name.
    public static let known: Set<String> = Set(tenantAdministration + [tenantsAdmin])
}

/// Why a token was refused; the text is safe to show the caller (it never echoes the token).
public enum TokenError: Error, CustomStringConvertible, Equatable {
    case missing
    case malformed(String)
    case invalid(String)
    case expired
    case unknownKey

    public var description: String {
        switch self {
        case .missing: "no bearer token"
        case .malformed(let reason): "malformed token: \(reason)"
        case .invalid(let reason): "invalid token: \(reason)"
        case .expired: "token expired"
        case .unknownKey: "token signed by an unknown key"
        }
    }
}
