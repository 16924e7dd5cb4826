import Foundation
import Hummingbird
import PalisadeAuth
import PalisadeService

/// `POST /v1/auth/token`: the platform token for the presented credential (an API key or an
/// OIDC token), for clients that call the services' API with short-lived tokens.
struct TokenExchangeRoutes: Sendable {
    struct Exchanged: Encodable {
        var accessToken: String
        var tokenType = "Bearer"
        var expiresIn: Int
        var tenantID: String
        var capabilities: [String]

        enum CodingKeys: String, CodingKey {
            case accessToken = "access_token"
            case tokenType = "token_type"
            case expiresIn = "expires_in"
            case tenantID = "tenant_id"
            case capabilities
        }
    }

    func register(on router: Router<PalisadeRequestContext>, registry: RouteRegistry) {
        router.route(.post, "/v1/auth/token", registry: registry) { _, context in
            guard let claims = context.claims, let token = context.platformToken else {
                throw Problem.unauthorized("a credential is required")
            }
            var headers = HTTPFields()
            headers[.cacheControl] = "no-store"
            let remaining = max(0, Int(claims.exp.value.timeIntervalSinceNow.rounded(.down)))
            return try MessageBody.json(
                Exchanged(accessToken: token, expiresIn: remaining, tenantID: claims.tenantID, capabilities: claims.capabilities),
                headers: headers
            )
        }
    }
}
