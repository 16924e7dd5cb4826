import Foundation
import PalisadeAuth
import PalisadeService

/// The gateway's credentials: API keys (`pal_…`) and platform tokens (minted by this gateway or
/// by an operator with the platform key). API keys are exchanged for a platform token, which
/// is what the services behind the gateway see.
struct EdgeAuthenticator: Authenticator {
    let apiKeys: APIKeyAuthenticator
    let platformTokens: PlatformTokenVerifier
    let minter: PlatformTokenMinter

    func authenticate(bearer: String, context: PalisadeRequestContext) async throws -> Authenticated {
        if bearer.hasPrefix(APIKeyText.prefix) {
            return try await minter.token(for: try await apiKeys.verify(bearer))
        }
        return Authenticated(claims: try await platformTokens.verify(bearer), platformToken: bearer)
    }
}
