import Foundation
import Hummingbird
import PalisadeAuth
import PalisadeEvents
import PalisadeService

/// `/v1/provider-keys` (capability `keys:admin`): the tenant's own LLM provider keys (BYOK).
/// Write-only: a key is never returned, never logged, and opened only for the call using it.
struct ProviderKeyRoutes: Sendable {
    let store: ProviderKeyStore
    let audit: IdentityAudit
    /// Told when keys change, so the proxy stops using a revoked one at once.
    let keysChanged: @Sendable (UUID) -> Void

    struct Draft: Decodable {
        var provider: String
        var name: String
        var key: String
    }

    struct KeyView: Encodable {
        var keyID: String
        var provider: String
        var name: String
        var hint: String
        var createdBy: String
        var createdAt: String
        var rotatedAt: String?
        var revokedAt: String?

        init(_ stored: StoredProviderKey) {
            keyID = stored.keyID.uuidString.lowercased()
            provider = stored.provider
            name = stored.name
            hint = stored.hint
            createdBy = stored.createdBy
            createdAt = RFC3339.format(stored.createdAt)
            rotatedAt = stored.rotatedAt.map(RFC3339.format)
            revokedAt = stored.revokedAt.map(RFC3339.format)
        }

        enum CodingKeys: String, CodingKey {
            case keyID = "key_id", createdBy = "created_by", createdAt = "created_at", rotatedAt = "rotated_at"
            case revokedAt = "revoked_at", provider, name, hint
        }
    }

    struct KeyList: Encodable {
        var providerKeys: [KeyView]
        enum CodingKeys: String, CodingKey { case providerKeys = "provider_keys" }
    }

    struct Rotation: Encodable {
        var resealed: Int
    }

    func register(on router: Router<PalisadeRequestContext>, registry: RouteRegistry) {
        router.route(.post, "/v1/provider-keys", registry: registry) { request, context in
            let claims = try context.requireClaims(Capability.keysAdmin)
            let draft = try await MessageBody.decodeJSON(request, as: Draft.self)
            let (provider, name, secret) = try Self.validate(draft)
            let stored = try await store.create(provider: provider, name: name, secret: secret, scope: claims.scope, audit: { keyID in
                IdentityAudit.entry("provider_key.created", claims, context, [
                    "key_id": .string(keyID.uuidString.lowercased()), "provider": .string(provider), "name": .string(name),
                ])
            }, logger: context.logger)
            await audit.flush(tenant: claims.scope.tenantID, trace: context.trace, logger: context.logger)
            keysChanged(claims.scope.tenantID)
            context.logger.info("provider key stored", metadata: ["key_id": "\(stored.keyID)", "provider": "\(provider)"])
            return try MessageBody.json(KeyView(stored), status: .created)
        }
        router.route(.get, "/v1/provider-keys", registry: registry) { _, context in
            let claims = try context.requireClaims(Capability.keysAdmin)
            return try MessageBody.json(KeyList(providerKeys: try await store.list(scope: claims.scope, logger: context.logger).map(KeyView.init)))
        }
        router.route(.delete, "/v1/provider-keys/{id}", registry: registry) { _, context in
            let claims = try context.requireClaims(Capability.keysAdmin)
            guard let keyID = context.parameters.get("id").flatMap(UUID.init(uuidString:)) else {
                throw Problem.notFound("no such provider key")
            }
            let entry = IdentityAudit.entry("provider_key.revoked", claims, context, ["key_id": .string(keyID.uuidString.lowercased())])
            guard let revokedNow = try await store.revoke(keyID, scope: claims.scope, audit: entry, logger: context.logger) else {
                throw Problem.notFound("no provider key \(keyID.uuidString.lowercased()) in this tenant")
            }
            if revokedNow {
                await audit.publish([entry], scope: claims.scope, trace: context.trace, logger: context.logger)
                keysChanged(claims.scope.tenantID)
            }
            return Response(status: .noContent)
        }
        // A new data key for the tenant: every provider key and vaulted value is sealed again.
        router.route(.post, "/v1/provider-keys/rotate", registry: registry) { _, context in
            let claims = try context.requireClaims(Capability.keysAdmin)
            let resealed = try await store.rotateDataKey(scope: claims.scope, audit: { count in
                IdentityAudit.entry("data_key.rotated", claims, context, ["resealed": .number(Double(count))])
            }, logger: context.logger)
            await audit.flush(tenant: claims.scope.tenantID, trace: context.trace, logger: context.logger)
            keysChanged(claims.scope.tenantID)
            return try MessageBody.json(Rotation(resealed: resealed))
        }
    }

    static func validate(_ draft: Draft) throws -> (String, String, String) {
        var problems: [ProblemField] = []
        if !ProviderKeyStore.providers.contains(draft.provider) {
            problems.append(ProblemField(index: nil, field: "provider", reason: "must be one of \(ProviderKeyStore.providers.joined(separator: ", "))"))
        }
        let name = draft.name.trimmingCharacters(in: .whitespacesAndNewlines)
        if !(1...200).contains(name.count) {
            problems.append(ProblemField(index: nil, field: "name", reason: "must be 1 to 200 characters"))
        }
        let key = draft.key.trimmingCharacters(in: .whitespacesAndNewlines)
        if !(8...4096).contains(key.utf8.count) || key.utf8.contains(where: { $0 <= 0x20 || $0 >= 0x7F }) {
            problems.append(ProblemField(index: nil, field: "key", reason: "must be 8 to 4096 visible ASCII characters"))
        }
        guard problems.isEmpty else { throw Problem.invalid("the provider key is not valid", errors: problems) }
        return (draft.provider, name, key)
    }
}
