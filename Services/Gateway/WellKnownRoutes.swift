import Foundation
import Hummingbird
import PalisadeAuth
import PalisadeService

/// `GET /.well-known/jwks.json`: the platform token keys services verify with (the rotating
/// keys, including the next one before it signs, and any operator keys from configuration).
struct WellKnownRoutes: Sendable {
    let keyring: SigningKeyring
    let operatorKeys: [PlatformVerifyingKey]

    func register(on router: Router<PalisadeRequestContext>, registry: RouteRegistry) {
        router.route(.get, "/.well-known/jwks.json", registry: registry) { _, _ in
            // At start-up the first key may not be loaded yet; never publish an empty set then.
            _ = try await keyring.current()
            let keys = try await keyring.verifyingKeys() + operatorKeys
            var headers = HTTPFields()
            headers[.cacheControl] = "public, max-age=60"
            return try MessageBody.json(JSONWebKeySet(keys: keys.map(\.jwk)), headers: headers)
        }
    }
}
