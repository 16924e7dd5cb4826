import Foundation
import Logging
import PalisadeAuth
import PalisadeEdge

/// Verifies `pal_<id>_<secret>` keys: finds the stored hash by id (cached briefly, unknown ids
/// too), compares in constant time, then checks revocation and expiry. The secret is compared
/// before anything about the key is revealed, so a guess learns only "unknown API key".
struct APIKeyAuthenticator: Sendable {
    let store: APIKeyStore
    let usage: APIKeyUsage
    /// Key id → credential, or nil for an id that exists nowhere. Another gateway's revocation
    /// takes effect here within the cache's lifetime; this gateway's at once (`forget`).
    let cache: ExpiringCache<String, APIKeyCredential?>
    let logger: Logger

    func verify(_ text: String) async throws -> Principal {
        guard let key = APIKeyText(text) else { throw TokenError.malformed("not a Palisade API key") }
        let id = key.id
        let credential = try await cache.value(for: id) { [store, logger] in try await store.credential(id, logger: logger) }
        guard let credential, key.matches(storedHash: credential.secretHash) else { throw TokenError.invalid("unknown API key") }
        if credential.revokedAt != nil { throw TokenError.invalid("API key revoked") }
        if let expiresAt = credential.expiresAt, expiresAt <= Date() { throw TokenError.expired }
        usage.record(keyID: key.id, tenantID: credential.tenantID)
        return Principal(
            tenantID: credential.tenantID, subject: "apikey:\(key.id)",
            roles: ["api-key"], capabilities: credential.capabilities
        )
    }

    func forget(_ keyID: String) {
        cache.remove(keyID)
    }
}
