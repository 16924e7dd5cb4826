import Foundation
import Hummingbird
import PalisadeAuth
import PalisadeEvents
import PalisadeKafka
import PalisadeService

/// `/v1/api-keys` (capability `keys:admin`): create, list, read and revoke the tenant's keys.
/// A key's capabilities are a subset of its creator's, so no key can widen its own scope.
struct APIKeyRoutes: Sendable {
    let store: APIKeyStore
    let audit: IdentityAudit
    /// Told about revocations so this gateway stops accepting the key at once.
    let credentials: APIKeyAuthenticator

    struct Draft: Decodable {
        var name: String
        var capabilities: [String]?
        var expiresAt: String?

        enum CodingKeys: String, CodingKey {
            case name, capabilities
            case expiresAt = "expires_at"
        }
    }

    struct KeyView: Encodable {
        var keyID: String
        var name: String
        var capabilities: [String]
        var createdBy: String
        var createdAt: String
        var expiresAt: String?
        var revokedAt: String?
        var lastUsedAt: String?
        /// Only in the answer to the creation: the key is never shown again.
        var key: String?

        init(_ stored: StoredAPIKey, key: String? = nil) {
            keyID = stored.keyID
            name = stored.name
            capabilities = stored.capabilities
            createdBy = stored.createdBy
            createdAt = RFC3339.format(stored.createdAt)
            expiresAt = stored.expiresAt.map(RFC3339.format)
            revokedAt = stored.revokedAt.map(RFC3339.format)
            lastUsedAt = stored.lastUsedAt.map(RFC3339.format)
            self.key = key
        }

        enum CodingKeys: String, CodingKey {
            case keyID = "key_id"
            case createdBy = "created_by"
            case createdAt = "created_at"
            case expiresAt = "expires_at"
            case revokedAt = "revoked_at"
            case lastUsedAt = "last_used_at"
            case name, capabilities, key
        }
    }

    struct KeyList: Encodable {
        var apiKeys: [KeyView]

        enum CodingKeys: String, CodingKey {
            case apiKeys = "api_keys"
        }
    }

    func register(on router: Router<PalisadeRequestContext>, registry: RouteRegistry) {
        router.route(.post, "/v1/api-keys", registry: registry) { request, context in
            let claims = try context.requireClaims(Capability.keysAdmin)
            let draft = try await MessageBody.decodeJSON(request, as: Draft.self)
            let (name, capabilities, expiresAt) = try Self.validate(draft, creator: claims)
            let key = APIKeyText.generate()
            let entry = IdentityAudit.entry(
                tenant: claims.scope.tenantID, kind: "api_key.created", actor: claims.sub.value, requestID: context.requestID,
                subject: .object([
                    "key_id": .string(key.id), "name": .string(name),
                    "capabilities": .array(capabilities.map(JSONValue.string)),
                    "expires_at": expiresAt.map { .string(RFC3339.format($0)) } ?? .null,
                ])
            )
            let stored = try await store.create(key, name: name, capabilities: capabilities, expiresAt: expiresAt,
                                                scope: claims.scope, audit: entry, logger: context.logger)
            await audit.publish([entry], scope: claims.scope, trace: context.trace, logger: context.logger)
            context.logger.info("api key created", metadata: ["key_id": "\(key.id)"])
            return try MessageBody.json(KeyView(stored, key: key.text), status: .created)
        }
        router.route(.get, "/v1/api-keys", registry: registry) { _, context in
            let claims = try context.requireClaims(Capability.keysAdmin)
            let keys = try await store.list(scope: claims.scope, logger: context.logger)
            return try MessageBody.json(KeyList(apiKeys: keys.map { KeyView($0) }))
        }
        router.route(.get, "/v1/api-keys/{id}", registry: registry) { _, context in
            let claims = try context.requireClaims(Capability.keysAdmin)
            let keyID = try Self.keyID(context)
            guard let key = try await store.find(keyID, scope: claims.scope, logger: context.logger) else {
                throw Problem.notFound("no API key \(keyID) in this tenant")
            }
            return try MessageBody.json(KeyView(key))
        }
        router.route(.delete, "/v1/api-keys/{id}", registry: registry) { _, context in
            let claims = try context.requireClaims(Capability.keysAdmin)
            let keyID = try Self.keyID(context)
            let entry = IdentityAudit.entry(
                tenant: claims.scope.tenantID, kind: "api_key.revoked", actor: claims.sub.value, requestID: context.requestID,
                subject: .object(["key_id": .string(keyID)])
            )
            guard let outcome = try await store.revoke(keyID, scope: claims.scope, audit: entry, logger: context.logger) else {
                throw Problem.notFound("no API key \(keyID) in this tenant")
            }
            credentials.forget(keyID)
            if outcome.revokedNow {
                await audit.publish([entry], scope: claims.scope, trace: context.trace, logger: context.logger)
                context.logger.info("api key revoked", metadata: ["key_id": "\(keyID)"])
            }
            return Response(status: .noContent)
        }
    }

    /// An id that is not shaped like a key id names no key: 404, as for any unknown id.
    static func keyID(_ context: PalisadeRequestContext) throws -> String {
        guard let text = context.parameters.get("id"), APIKeyText.isKeyID(text) else {
            throw Problem.notFound("no such API key")
        }
        return text
    }

    static func validate(_ draft: Draft, creator: PlatformClaims) throws -> (String, [String], Date?) {
        var problems: [ProblemField] = []
        let name = draft.name.trimmingCharacters(in: .whitespacesAndNewlines)
        if !(1...200).contains(name.count) {
            problems.append(ProblemField(index: nil, field: "name", reason: "must be 1 to 200 characters"))
        }
        let requested = draft.capabilities ?? creator.capabilities.filter { $0 != Capability.all }
        if requested.isEmpty {
            problems.append(ProblemField(index: nil, field: "capabilities", reason: "must name at least one capability"))
        }
        for capability in requested {
            if !Capability.known.contains(capability) {
                problems.append(ProblemField(index: nil, field: "capabilities", reason: "'\(capability)' is not a capability"))
            } else if !creator.allows(capability) {
                problems.append(ProblemField(index: nil, field: "capabilities",
                                             reason: "'\(capability)' is not held by the caller; a key cannot widen its creator's scope"))
            }
        }
        var expiresAt: Date?
        if let text = draft.expiresAt {
            if let date = RFC3339.parse(text), date > Date() {
                expiresAt = date
            } else {
                problems.append(ProblemField(index: nil, field: "expires_at", reason: "must be an RFC 3339 date-time in the future"))
            }
        }
        guard problems.isEmpty else { throw Problem.invalid("the API key is not valid", errors: problems) }
        return (name, Array(Set(requested)).sorted(), expiresAt)
    }
}
