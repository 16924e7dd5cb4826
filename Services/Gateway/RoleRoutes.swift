import Foundation
import Hummingbird
import PalisadeAuth
import PalisadeEvents
import PalisadeService
import PalisadeStore

/// `/v1/roles` (capability `identity:admin`): built-in roles and the tenant's own. A new role
/// may carry only capabilities its creator holds.
struct RoleRoutes: Sendable {
    let roles: RoleStore
    let audit: IdentityAudit

    struct Draft: Decodable {
        var name: String
        var description: String?
        var capabilities: [String]
    }

    static func view(name: String, description: String, capabilities: [String], builtIn: Bool) -> JSONValue {
        .object([
            "name": .string(name), "description": .string(description),
            "capabilities": .array(capabilities.sorted().map(JSONValue.string)), "built_in": .bool(builtIn),
        ])
    }

    func register(on router: Router<PalisadeRequestContext>, registry: RouteRegistry) {
        router.route(.post, "/v1/roles", registry: registry) { request, context in
            let claims = try context.requireClaims(Capability.identityAdmin)
            let draft = try await MessageBody.decodeJSON(request, as: Draft.self)
            var problems = GrantCheck.capabilities(draft.capabilities, by: claims, field: "capabilities")
            if draft.capabilities.isEmpty { problems.append(.init(index: nil, field: "capabilities", reason: "must name at least one capability")) }
            if draft.name.range(of: "^[a-z][a-z0-9_-]{0,62}$", options: .regularExpression) == nil {
                problems.append(.init(index: nil, field: "name", reason: "must be 1 to 63 of a-z, 0-9, _ and -, starting with a letter"))
            }
            if (draft.description ?? "").count > 500 { problems.append(.init(index: nil, field: "description", reason: "must be at most 500 characters")) }
            guard problems.isEmpty else { throw Problem.invalid("the role is not valid", errors: problems) }
            let existing = try await roles.capabilities(of: [draft.name], scope: claims.scope, logger: context.logger)
            guard existing.isEmpty else {
                throw Problem(.conflict, slug: "conflict", title: "Conflict", detail: "a role named '\(draft.name)' exists")
            }
            let role = CustomRole(name: draft.name, description: draft.description ?? "",
                                  capabilities: Array(Set(draft.capabilities)).sorted(), createdAt: Date())
            do {
                try await roles.create(role, scope: claims.scope, audit: IdentityAudit.entry("role.created", claims, context, [
                    "name": .string(role.name), "capabilities": .array(role.capabilities.map(JSONValue.string)),
                ]), logger: context.logger)
            } catch where DatabaseFailure(error)?.sqlState == "23505" {
                throw Problem(.conflict, slug: "conflict", title: "Conflict", detail: "a role named '\(draft.name)' exists")
            }
            await audit.flush(tenant: claims.scope.tenantID, trace: context.trace, logger: context.logger)
            return try MessageBody.json(Self.view(name: role.name, description: role.description, capabilities: role.capabilities, builtIn: false),
                                        status: .created)
        }
        router.route(.get, "/v1/roles", registry: registry) { _, context in
            let claims = try context.requireClaims(Capability.identityAdmin)
            let custom = try await roles.list(scope: claims.scope, logger: context.logger)
            let builtIn = BuiltInRoles.capabilities.sorted { $0.key < $1.key }.map {
                Self.view(name: $0.key, description: "built in", capabilities: $0.value, builtIn: true)
            }
            let own = custom.map { Self.view(name: $0.name, description: $0.description, capabilities: $0.capabilities, builtIn: false) }
            return try MessageBody.json(JSONValue.object(["roles": .array(builtIn + own)]))
        }
        router.route(.delete, "/v1/roles/{name}", registry: registry) { _, context in
            let claims = try context.requireClaims(Capability.identityAdmin)
            let name = context.parameters.get("name") ?? ""
            guard !BuiltInRoles.isReserved(name) else {
                throw Problem(.conflict, slug: "conflict", title: "Conflict", detail: "built-in roles cannot be deleted")
            }
            let deleted = try await roles.delete(name, scope: claims.scope,
                                                 audit: IdentityAudit.entry("role.deleted", claims, context, ["name": .string(name)]), logger: context.logger)
            guard deleted else { throw Problem.notFound("no role named '\(name)' in this tenant") }
            await audit.flush(tenant: claims.scope.tenantID, trace: context.trace, logger: context.logger)
            return Response(status: .noContent)
        }
    }
}
