import Foundation
import PalisadeAuth
import PalisadeEdge
import PalisadeService

/// Exchanges a verified principal for the platform token the services accept, signed with the
/// key whose turn it is. A minted token is reused while it has more than `renewBefore` to live
/// and its key still signs (minting is a signature per call).
struct PlatformTokenMinter: Sendable {
    private struct MintKey: Hashable {
        var principal: Principal
        var kid: String
    }

    let keyring: SigningKeyring
    let lifetime: TimeInterval
    private let minted: ExpiringCache<MintKey, Authenticated>
    private static let renewBefore: TimeInterval = 120

    init(keyring: SigningKeyring, lifetime: TimeInterval = PlatformClaims.maximumLifetime) {
        self.keyring = keyring
        self.lifetime = min(lifetime, PlatformClaims.maximumLifetime)
        minted = ExpiringCache(lifetime: .seconds(max(1, self.lifetime - Self.renewBefore)))
    }

    func token(for principal: Principal) async throws -> Authenticated {
        let (kid, issuer) = try await keyring.current()
        let key = MintKey(principal: principal, kid: kid)
        let lifetime = lifetime
        return try await minted.value(for: key) {
            let claims = PlatformClaims(
                subject: principal.subject, tenantID: principal.tenantID, roles: principal.roles,
                capabilities: principal.capabilities, lifetime: lifetime
            )
            return Authenticated(claims: claims, platformToken: try await issuer.mint(claims))
        }
    }
}
