import Foundation
import Hummingbird
import PalisadeAuth
import PalisadeEvents
import PalisadeService

/// `/v1/users` (capability `identity:admin`): the tenant's users and their roles. Granting a
/// role needs every capability it carries (`GrantCheck`).
struct UserRoutes: Sendable {
    let users: UserStore
    let roles: RoleStore
    let audit: IdentityAudit
    /// Called after a user record of the tenant changed, so cached grants do not outlive it.
    let userChanged: @Sendable (UUID) -> Void

    struct Draft: Decodable {
        var subject: String
        var displayName: String?
        var roles: [String]?

        enum CodingKeys: String, CodingKey {
            case subject, roles
            case displayName = "display_name"
        }
    }

    struct Change: Decodable {
        var displayName: String?
        var roles: [String]?
        var disabled: Bool?

        enum CodingKeys: String, CodingKey {
            case roles, disabled
            case displayName = "display_name"
        }
    }

    static func view(_ user: TenantUser) -> JSONValue {
        .object([
            "user_id": .string(user.userID.uuidString.lowercased()), "subject": .string(user.subject),
            "display_name": .string(user.displayName), "roles": .array(user.roles.map(JSONValue.string)),
            "disabled": .bool(user.disabled), "created_at": .string(RFC3339.format(user.createdAt)),
            "updated_at": .string(RFC3339.format(user.updatedAt)),
        ])
    }

    func register(on router: Router<PalisadeRequestContext>, registry: RouteRegistry) {
        router.route(.post, "/v1/users", registry: registry) { request, context in
            let claims = try context.requireClaims(Capability.identityAdmin)
            let draft = try await MessageBody.decodeJSON(request, as: Draft.self)
            let subject = draft.subject.trimmingCharacters(in: .whitespacesAndNewlines)
            let displayName = draft.displayName ?? ""
            let granted = draft.roles ?? []
            var problems = try await checkRoles(granted, claims: claims, context: context)
            if !(1...320).contains(subject.count) { problems.append(.init(index: nil, field: "subject", reason: "must be 1 to 320 characters")) }
            if displayName.count > 200 { problems.append(.init(index: nil, field: "display_name", reason: "must be at most 200 characters")) }
            guard problems.isEmpty else { throw Problem.invalid("the user is not valid", errors: problems) }
            let scope = claims.scope
            guard let user = try await users.create(
                subject: subject, displayName: displayName, roles: Array(Set(granted)).sorted(), scope: scope,
                audit: { id in IdentityAudit.entry("user.created", claims, context, ["user_id": .string(id.uuidString.lowercased()), "subject": .string(subject),
                                                                        "roles": .array(granted.map(JSONValue.string))]) },
                logger: context.logger
            ) else {
                throw Problem(.conflict, slug: "conflict", title: "Conflict", detail: "a user with this subject exists in the tenant")
            }
            userChanged(scope.tenantID)
            await audit.flush(tenant: scope.tenantID, trace: context.trace, logger: context.logger)
            return try MessageBody.json(Self.view(user), status: .created)
        }
        router.route(.get, "/v1/users", registry: registry) { _, context in
            let claims = try context.requireClaims(Capability.identityAdmin)
            let all = try await users.list(scope: claims.scope, logger: context.logger)
            return try MessageBody.json(JSONValue.object(["users": .array(all.map(Self.view))]))
        }
        router.route(.get, "/v1/users/{id}", registry: registry) { _, context in
            let claims = try context.requireClaims(Capability.identityAdmin)
            let userID = try context.pathUUID("id")
            guard let user = try await users.find(userID, scope: claims.scope, logger: context.logger) else {
                throw Problem.notFound("no user \(userID.uuidString.lowercased()) in this tenant")
            }
            return try MessageBody.json(Self.view(user))
        }
        router.route(.patch, "/v1/users/{id}", registry: registry) { request, context in
            let claims = try context.requireClaims(Capability.identityAdmin)
            let userID = try context.pathUUID("id")
            let change = try await MessageBody.decodeJSON(request, as: Change.self)
            var problems = try await checkRoles(change.roles ?? [], claims: claims, context: context)
            if let name = change.displayName, name.count > 200 {
                problems.append(.init(index: nil, field: "display_name", reason: "must be at most 200 characters"))
            }
            guard problems.isEmpty else { throw Problem.invalid("the change is not valid", errors: problems) }
            var subject: [String: JSONValue] = ["user_id": .string(userID.uuidString.lowercased())]
            if let roles = change.roles { subject["roles"] = .array(roles.map(JSONValue.string)) }
            if let disabled = change.disabled { subject["disabled"] = .bool(disabled) }
            if let name = change.displayName { subject["display_name"] = .string(name) }
            guard let user = try await users.update(
                userID, displayName: change.displayName, roles: change.roles.map { Array(Set($0)).sorted() }, disabled: change.disabled,
                scope: claims.scope, audit: IdentityAudit.entry("user.updated", claims, context, subject), logger: context.logger
            ) else {
                throw Problem.notFound("no user \(userID.uuidString.lowercased()) in this tenant")
            }
            userChanged(claims.scope.tenantID)
            await audit.flush(tenant: claims.scope.tenantID, trace: context.trace, logger: context.logger)
            return try MessageBody.json(Self.view(user))
        }
        router.route(.delete, "/v1/users/{id}", registry: registry) { _, context in
            let claims = try context.requireClaims(Capability.identityAdmin)
            let userID = try context.pathUUID("id")
            let deleted = try await users.delete(
                userID, scope: claims.scope,
                audit: IdentityAudit.entry("user.deleted", claims, context, ["user_id": .string(userID.uuidString.lowercased())]), logger: context.logger
            )
            guard deleted else { throw Problem.notFound("no user \(userID.uuidString.lowercased()) in this tenant") }
            userChanged(claims.scope.tenantID)
            await audit.flush(tenant: claims.scope.tenantID, trace: context.trace, logger: context.logger)
            return Response(status: .noContent)
        }
    }

    private func checkRoles(_ names: [String], claims: PlatformClaims, context: PalisadeRequestContext) async throws -> [ProblemField] {
        guard !names.isEmpty else { return [] }
        let granted = try await roles.capabilities(of: names, scope: claims.scope, logger: context.logger)
        return GrantCheck.roles(names, granting: granted, by: claims, field: "roles")
    }
}
