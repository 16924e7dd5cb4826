import Crypto
import Foundation
import Logging
import PalisadeAuth
import PalisadeEdge
import PalisadeStore

/// Verifies OIDC bearer tokens from the issuers tenants registered, and turns the identity into
/// a principal: the roles the issuer's mapping grants plus those of the tenant's user record
/// with that subject (a disabled user is refused), and the capabilities of those roles.
struct OIDCAuthenticator: Sendable {
    let verifier: OIDCTokenVerifier
    let issuers: IssuerStore
    let users: UserStore
    let roles: RoleStore
    /// Registrations by `iss`, briefly (a deleted registration stops working within this).
    let registrations: ExpiringCache<String, [OIDCIssuer]>
    /// Verified tokens by SHA-256, until they expire or the cache's lifetime ends.
    let verified: ExpiringCache<Data, Principal>
    /// What a subject's roles grant, briefly: a client that fetches a new token per call costs a
    /// signature check, not a database round trip (a disabled user is refused within this).
    let principals: ExpiringCache<PrincipalKey, Principal>
    let logger: Logger

    struct PrincipalKey: Hashable, Sendable {
        var tenantID: UUID
        var subject: String
        var tokenRoles: [String]
    }

    func verify(_ token: String) async throws -> Principal {
        let digest = Data(SHA256.hash(data: Data(token.utf8)))
        if let principal = verified.value(for: digest) { return principal }
        let identity = try await verifier.verify(token) { iss in
            try await registrations.value(for: iss) { [issuers, logger] in try await issuers.registrations(of: iss, logger: logger) }
        }
        let principal = try await principal(of: identity)
        let remaining = identity.expiresAt.timeIntervalSinceNow
        if remaining > 1 {
            verified.store(principal, for: digest, lifetime: min(verified.lifetime, .seconds(remaining)))
        }
        return principal
    }

    /// Forgets what the tenant's OIDC subjects were granted, after its user records changed on
    /// this gateway; other gateways catch up within the cache lifetime.
    func forgetGrants(of tenantID: UUID) {
        principals.removeAll { key, _ in key.tenantID == tenantID }
        verified.removeAll { _, principal in principal.tenantID == tenantID }
    }

    private func principal(of identity: OIDCIdentity) async throws -> Principal {
        let key = PrincipalKey(tenantID: identity.issuer.tenantID, subject: identity.subject, tokenRoles: identity.roles)
        return try await principals.value(for: key) { [users, roles, logger] in
            try await Self.grants(of: identity, users: users, roles: roles, logger: logger)
        }
    }

    private static func grants(of identity: OIDCIdentity, users: UserStore, roles: RoleStore, logger: Logger) async throws -> Principal {
        let scope = TenantScope(tenantID: identity.issuer.tenantID, subject: "oidc:\(identity.subject)", roles: identity.roles)
        var roleNames = identity.roles
        if let user = try await users.find(subject: identity.subject, scope: scope, logger: logger) {
            guard !user.disabled else { throw TokenError.invalid("user is disabled") }
            roleNames += user.roles
        }
        let granted = try await roles.capabilities(of: roleNames, scope: scope, logger: logger)
        let capabilities = Set(granted.values.flatMap { $0 })
        return Principal(
            tenantID: identity.issuer.tenantID,
            subject: "oidc:\(identity.subject)", roles: Array(Set(roleNames)).sorted(), capabilities: capabilities.sorted()
        )
    }
}
