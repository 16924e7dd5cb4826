import Foundation
import PalisadeAuth
import PalisadeService

/// The gateway's credentials: API keys (`pal_…`), platform tokens (minted by this gateway or by
/// an operator with the platform key; `iss` is `palisade`) and OIDC tokens of the issuers
/// tenants registered. API keys and OIDC tokens are exchanged for a platform token, which is
/// what the services behind the gateway see.
struct EdgeAuthenticator: Authenticator {
    let apiKeys: APIKeyAuthenticator
    let oidc: OIDCAuthenticator
    let platformTokens: PlatformTokenVerifier
    let minter: PlatformTokenMinter

    func authenticate(bearer: String, context: PalisadeRequestContext) async throws -> Authenticated {
        if bearer.hasPrefix(APIKeyText.prefix) {
            return try await minter.token(for: try await apiKeys.verify(bearer))
        }
        // The unverified issuer only picks the verifier; each verifies everything itself.
        if UnverifiedJWT.issuer(of: bearer) == PlatformClaims.issuer {
            return Authenticated(claims: try await platformTokens.verify(bearer), platformToken: bearer)
        }
        return try await minter.token(for: try await oidc.verify(bearer))
    }
}
