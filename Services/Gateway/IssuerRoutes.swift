import Foundation
import Hummingbird
import PalisadeAuth
import PalisadeEvents
import PalisadeService

/// `/v1/oidc-issuers` (capability `identity:admin`): which identity providers the tenant
/// trusts and how their claims map to roles. Mapping to a role needs its capabilities.
struct IssuerRoutes: Sendable {
    let issuers: IssuerStore
    let roles: RoleStore
    let audit: IdentityAudit

    struct Draft: Decodable {
        var issuer: String
        var jwksURI: String
        var audiences: [String]
        var tenantClaim: String?
        var tenantClaimValue: String?
        var subjectClaim: String?
        var rolesClaim: String?
        var roleMapping: [String: String]?
        var defaultRoles: [String]?
        var clockSkewSeconds: Int?

        enum CodingKeys: String, CodingKey {
            case issuer, audiences
            case jwksURI = "jwks_uri"
            case tenantClaim = "tenant_claim"
            case tenantClaimValue = "tenant_claim_value"
            case subjectClaim = "subject_claim"
            case rolesClaim = "roles_claim"
            case roleMapping = "role_mapping"
            case defaultRoles = "default_roles"
            case clockSkewSeconds = "clock_skew_seconds"
        }
    }

    static func view(_ issuer: OIDCIssuer) -> JSONValue {
        .object([
            "issuer_id": .string(issuer.issuerID.uuidString.lowercased()), "issuer": .string(issuer.issuer),
            "jwks_uri": .string(issuer.jwksURI), "audiences": .array(issuer.audiences.map(JSONValue.string)),
            "tenant_claim": issuer.tenantClaim.map(JSONValue.string) ?? .null,
            "tenant_claim_value": issuer.tenantClaimValue.map(JSONValue.string) ?? .null,
            "subject_claim": .string(issuer.subjectClaim), "roles_claim": .string(issuer.rolesClaim),
            "role_mapping": .object(issuer.roleMapping.mapValues(JSONValue.string)),
            "default_roles": .array(issuer.defaultRoles.map(JSONValue.string)),
            "clock_skew_seconds": .integer(Int64(issuer.clockSkew)),
        ])
    }

    func register(on router: Router<PalisadeRequestContext>, registry: RouteRegistry) {
        router.route(.post, "/v1/oidc-issuers", registry: registry) { request, context in
            let claims = try context.requireClaims(Capability.identityAdmin)
            let issuer = try await validate(try await MessageBody.decodeJSON(request, as: Draft.self), claims: claims, context: context)
            let outcome = try await issuers.create(
                issuer, scope: claims.scope,
                audit: IdentityAudit.entry("oidc_issuer.created", claims, context, ["issuer_id": .string(issuer.issuerID.uuidString.lowercased()),
                                                                      "issuer": .string(issuer.issuer), "jwks_uri": .string(issuer.jwksURI)]),
                logger: context.logger
            )
            guard case .created = outcome else {
                throw Problem(.conflict, slug: "conflict", title: "Conflict",
                              detail: "this issuer (with this tenant claim value) is registered already")
            }
            await audit.flush(tenant: claims.scope.tenantID, trace: context.trace, logger: context.logger)
            return try MessageBody.json(Self.view(issuer), status: .created)
        }
        router.route(.get, "/v1/oidc-issuers", registry: registry) { _, context in
            let claims = try context.requireClaims(Capability.identityAdmin)
            let all = try await issuers.list(scope: claims.scope, logger: context.logger)
            return try MessageBody.json(JSONValue.object(["oidc_issuers": .array(all.map(Self.view))]))
        }
        router.route(.get, "/v1/oidc-issuers/{id}", registry: registry) { _, context in
            let claims = try context.requireClaims(Capability.identityAdmin)
            let issuerID = try context.pathUUID("id")
            guard let issuer = try await issuers.find(issuerID, scope: claims.scope, logger: context.logger) else {
                throw Problem.notFound("no OIDC issuer \(issuerID.uuidString.lowercased()) in this tenant")
            }
            return try MessageBody.json(Self.view(issuer))
        }
        router.route(.delete, "/v1/oidc-issuers/{id}", registry: registry) { _, context in
            let claims = try context.requireClaims(Capability.identityAdmin)
            let issuerID = try context.pathUUID("id")
            let deleted = try await issuers.delete(
                issuerID, scope: claims.scope,
                audit: IdentityAudit.entry("oidc_issuer.deleted", claims, context, ["issuer_id": .string(issuerID.uuidString.lowercased())]),
                logger: context.logger
            )
            guard deleted else { throw Problem.notFound("no OIDC issuer \(issuerID.uuidString.lowercased()) in this tenant") }
            await audit.flush(tenant: claims.scope.tenantID, trace: context.trace, logger: context.logger)
            return Response(status: .noContent)
        }
    }

    private func validate(_ draft: Draft, claims: PlatformClaims, context: PalisadeRequestContext) async throws -> OIDCIssuer {
        var problems: [ProblemField] = []
        func problem(_ field: String, _ reason: String) { problems.append(ProblemField(index: nil, field: field, reason: reason)) }
        if !(1...500).contains(draft.issuer.count) { problem("issuer", "must be 1 to 500 characters") }
        if draft.issuer == PlatformClaims.issuer { problem("issuer", "'\(PlatformClaims.issuer)' names Palisade's own tokens") }
        if let url = URL(string: draft.jwksURI), ["http", "https"].contains(url.scheme ?? ""), url.host != nil {} else {
            problem("jwks_uri", "must be an http(s) URL")
        }
        if draft.audiences.isEmpty || draft.audiences.count > 20 || draft.audiences.contains(where: { $0.isEmpty || $0.count > 500 }) {
            problem("audiences", "must list 1 to 20 non-empty audiences")
        }
        if (draft.tenantClaim == nil) != (draft.tenantClaimValue == nil) {
            problem("tenant_claim", "tenant_claim and tenant_claim_value come together")
        }
        let skew = draft.clockSkewSeconds ?? 60
        if !(0...300).contains(skew) { problem("clock_skew_seconds", "must be 0 to 300") }
        for (field, value) in [("subject_claim", draft.subjectClaim), ("roles_claim", draft.rolesClaim), ("tenant_claim", draft.tenantClaim)] {
            if let value, !(1...200).contains(value.count) { problem(field, "must be 1 to 200 characters") }
        }
        let mapping = draft.roleMapping ?? [:]
        let defaults = draft.defaultRoles ?? []
        let named = Array(mapping.values) + defaults
        if !named.isEmpty {
            let granted = try await roles.capabilities(of: named, scope: claims.scope, logger: context.logger)
            problems += GrantCheck.roles(Array(mapping.values), granting: granted, by: claims, field: "role_mapping")
            problems += GrantCheck.roles(defaults, granting: granted, by: claims, field: "default_roles")
        }
        guard problems.isEmpty else { throw Problem.invalid("the OIDC issuer is not valid", errors: problems) }
        return OIDCIssuer(
            issuerID: UUID(), tenantID: claims.scope.tenantID, issuer: draft.issuer, jwksURI: draft.jwksURI,
            audiences: draft.audiences, tenantClaim: draft.tenantClaim, tenantClaimValue: draft.tenantClaimValue,
            subjectClaim: draft.subjectClaim ?? "sub", rolesClaim: draft.rolesClaim ?? "roles",
            roleMapping: mapping, defaultRoles: defaults, clockSkew: TimeInterval(skew)
        )
    }
}
