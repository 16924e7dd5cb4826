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
    let logger: Logger

    func verify(_ token: String) async throws -> Principal {
        let digest = Data(SHA256.hash(data: Data(token.utf8)))
        if let principal = verified.value(for: digest) { return principal }
        let identity = try await verifier.verify(token) { iss in
            if let cached = registrations.value(for: iss) { return cached }
            let found = try await issuers.registrations(of: iss, logger: logger)
            registrations.store(found, for: iss)
            return found
        }
        let scope = TenantScope(tenantID: identity.issuer.tenantID, subject: "oidc:\(identity.subject)", roles: identity.roles)
        var roleNames = identity.roles
        if let user = try await users.find(subject: identity.subject, scope: scope, logger: logger) {
            guard !user.disabled else { throw TokenError.invalid("user is disabled") }
            roleNames += user.roles
        }
        let granted = try await roles.capabilities(of: roleNames, scope: scope, logger: logger)
        let capabilities = Set(granted.values.flatMap { $0 })
        let principal = Principal(
            tenantID: identity.issuer.tenantID,
            subject: "oidc:\(identity.subject)", roles: Array(Set(roleNames)).sorted(), capabilities: capabilities.sorted()
        )
        let remaining = identity.expiresAt.timeIntervalSinceNow
        if remaining > 1 {
            verified.store(principal, for: digest, lifetime: min(verified.lifetime, .seconds(remaining)))
        }
        return principal
    }
}
