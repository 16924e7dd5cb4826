import Foundation
import Hummingbird
import PalisadeAuth
import PalisadeEvents
import PalisadeService

/// `/v1/routes` (capability `policy:admin`): the tenant's LLM routes — provider, upstream,
/// allowed models, fail mode, what an injection or a finding in a response does, and limits.
struct ProxyRouteRoutes: Sendable {
    let store: ProxyRouteStore
    let audit: IdentityAudit
    /// Hosts (or host:port) routes may point at; "*" allows any.
    let upstreamHosts: Set<String>
    /// Told when a route changes, so the proxy stops using a cached copy at once.
    let routesChanged: @Sendable (UUID) -> Void

    /// Every field optional: a PATCH sets only what it names; a POST needs the first three.
    struct Draft: Decodable {
        var routeID: String?
        var provider: String?
        var upstreamBaseURL: String?
        var providerKeyID: String??
        var allowedModels: [String]?
        var failMode: String?
        var injectionAction: String?
        var piiMode: String?
        var secretMode: String?
        var requestLimitBytes: Int?
        var responseLimitBytes: Int?
        var detectorBudgetMilliseconds: Int?
        var streamHoldbackCharacters: Int?

        enum CodingKeys: String, CodingKey {
            case routeID = "route_id", provider, upstreamBaseURL = "upstream_base_url", providerKeyID = "provider_key_id"
            case allowedModels = "allowed_models", failMode = "fail_mode", injectionAction = "injection_action"
            case piiMode = "pii_mode", secretMode = "secret_mode", requestLimitBytes = "request_limit_bytes"
            case responseLimitBytes = "response_limit_bytes", detectorBudgetMilliseconds = "detector_budget_ms"
            case streamHoldbackCharacters = "stream_holdback_chars"
        }
    }

    struct RouteView: Encodable {
        var route: ProxyRoute

        enum Keys: String, CodingKey {
            case routeID = "route_id", provider, upstreamBaseURL = "upstream_base_url", providerKeyID = "provider_key_id"
            case allowedModels = "allowed_models", failMode = "fail_mode", injectionAction = "injection_action"
            case piiMode = "pii_mode", secretMode = "secret_mode", requestLimitBytes = "request_limit_bytes"
            case responseLimitBytes = "response_limit_bytes", detectorBudgetMilliseconds = "detector_budget_ms"
            case streamHoldbackCharacters = "stream_holdback_chars", createdAt = "created_at", updatedAt = "updated_at"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(route.routeID, forKey: .routeID)
            try container.encode(route.provider, forKey: .provider)
            try container.encode(route.upstreamBaseURL, forKey: .upstreamBaseURL)
            try container.encode(route.providerKeyID?.uuidString.lowercased(), forKey: .providerKeyID)
            try container.encode(route.allowedModels, forKey: .allowedModels)
            try container.encode(route.failMode, forKey: .failMode)
            try container.encode(route.injectionAction, forKey: .injectionAction)
            try container.encode(route.piiMode, forKey: .piiMode)
            try container.encode(route.secretMode, forKey: .secretMode)
            try container.encode(route.requestLimitBytes, forKey: .requestLimitBytes)
            try container.encode(route.responseLimitBytes, forKey: .responseLimitBytes)
            try container.encode(route.detectorBudgetMilliseconds, forKey: .detectorBudgetMilliseconds)
            try container.encode(route.streamHoldbackCharacters, forKey: .streamHoldbackCharacters)
            try container.encode(RFC3339.format(route.createdAt), forKey: .createdAt)
            try container.encode(RFC3339.format(route.updatedAt), forKey: .updatedAt)
        }
    }

    struct RouteList: Encodable {
        var routes: [RouteView]
    }

    func register(on router: Router<PalisadeRequestContext>, registry: RouteRegistry) {
        router.route(.post, "/v1/routes", registry: registry) { request, context in
            let claims = try context.requireClaims(Capability.policyAdmin)
            let draft = try await MessageBody.decodeJSON(request, as: Draft.self)
            let route = try validate(draft, onto: nil)
            let entry = IdentityAudit.entry("route.created", claims, context, Self.auditSubject(route))
            guard let created = try await store.create(route, scope: claims.scope, audit: entry, logger: context.logger) else {
                throw Problem(.conflict, slug: "conflict", title: "Conflict", detail: "a route \(route.routeID) exists in the tenant")
            }
            await audit.publish([entry], scope: claims.scope, trace: context.trace, logger: context.logger)
            routesChanged(claims.scope.tenantID)
            return try MessageBody.json(RouteView(route: created), status: .created)
        }
        router.route(.get, "/v1/routes", registry: registry) { _, context in
            let claims = try context.requireClaims(Capability.policyAdmin)
            return try MessageBody.json(RouteList(routes: try await store.list(scope: claims.scope, logger: context.logger).map { RouteView(route: $0) }))
        }
        router.route(.get, "/v1/routes/{id}", registry: registry) { _, context in
            let claims = try context.requireClaims(Capability.policyAdmin)
            let routeID = try Self.routeID(context)
            guard let route = try await store.find(routeID, scope: claims.scope, logger: context.logger) else {
                throw Problem.notFound("no route \(routeID) in this tenant")
            }
            return try MessageBody.json(RouteView(route: route))
        }
        router.route(.patch, "/v1/routes/{id}", registry: registry) { request, context in
            let claims = try context.requireClaims(Capability.policyAdmin)
            let routeID = try Self.routeID(context)
            let draft = try await MessageBody.decodeJSON(request, as: Draft.self)
            guard let existing = try await store.find(routeID, scope: claims.scope, logger: context.logger) else {
                throw Problem.notFound("no route \(routeID) in this tenant")
            }
            let route = try validate(draft, onto: existing)
            let entry = IdentityAudit.entry("route.updated", claims, context, Self.auditSubject(route))
            guard let updated = try await store.update(route, scope: claims.scope, audit: entry, logger: context.logger) else {
                throw Problem.notFound("no route \(routeID) in this tenant")
            }
            await audit.publish([entry], scope: claims.scope, trace: context.trace, logger: context.logger)
            routesChanged(claims.scope.tenantID)
            return try MessageBody.json(RouteView(route: updated))
        }
        router.route(.delete, "/v1/routes/{id}", registry: registry) { _, context in
            let claims = try context.requireClaims(Capability.policyAdmin)
            let routeID = try Self.routeID(context)
            let entry = IdentityAudit.entry("route.deleted", claims, context, ["route_id": .string(routeID)])
            guard try await store.delete(routeID, scope: claims.scope, audit: entry, logger: context.logger) else {
                throw Problem.notFound("no route \(routeID) in this tenant")
            }
            await audit.publish([entry], scope: claims.scope, trace: context.trace, logger: context.logger)
            routesChanged(claims.scope.tenantID)
            return Response(status: .noContent)
        }
    }

    /// 1 to 63 of a-z, 0-9, '.', '_', '-', starting with a letter or digit.
    static func isRouteID(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard (1...63).contains(bytes.count) else { return false }
        func allowed(_ byte: UInt8, first: Bool) -> Bool {
            (0x61...0x7A).contains(byte) || (0x30...0x39).contains(byte) || (!first && [0x2E, 0x5F, 0x2D].contains(byte))
        }
        return bytes.enumerated().allSatisfy { allowed($1, first: $0 == 0) }
    }

    /// A path id that cannot be a route id names no route: 404, as for any unknown id.
    static func routeID(_ context: PalisadeRequestContext) throws -> String {
        guard let text = context.parameters.get("id"), isRouteID(text) else {
            throw Problem.notFound("no such route")
        }
        return text
    }

    static func auditSubject(_ route: ProxyRoute) -> [String: JSONValue] {
        [
            "route_id": .string(route.routeID), "provider": .string(route.provider), "upstream_base_url": .string(route.upstreamBaseURL),
            "fail_mode": .string(route.failMode), "injection_action": .string(route.injectionAction),
            "pii_mode": .string(route.piiMode), "secret_mode": .string(route.secretMode),
            "allowed_models": .array(route.allowedModels.map(JSONValue.string)),
        ]
    }

    /// The draft applied to `existing` (a PATCH) or to the defaults (a POST), checked whole.
    func validate(_ draft: Draft, onto existing: ProxyRoute?) throws -> ProxyRoute {
        var problems: [ProblemField] = []
        func problem(_ field: String, _ reason: String) { problems.append(ProblemField(index: nil, field: field, reason: reason)) }
        var route: ProxyRoute
        if let existing {
            route = existing
            if let routeID = draft.routeID, routeID != existing.routeID { problem("route_id", "cannot be changed") }
        } else {
            guard let routeID = draft.routeID, let provider = draft.provider, let upstream = draft.upstreamBaseURL else {
                for (field, value) in [("route_id", draft.routeID), ("provider", draft.provider), ("upstream_base_url", draft.upstreamBaseURL)]
                where value == nil { problem(field, "is required") }
                throw Problem.invalid("the route is not valid", errors: problems)
            }
            if !Self.isRouteID(routeID) {
                problem("route_id", "must be 1 to 63 of a-z, 0-9, '.', '_' and '-', starting with a letter or digit")
            }
            route = ProxyRoute.defaults(routeID: routeID, provider: provider, upstreamBaseURL: upstream)
        }
        if let provider = draft.provider { route.provider = provider }
        if let upstream = draft.upstreamBaseURL { route.upstreamBaseURL = upstream }
        if let keyID = draft.providerKeyID {
            if let keyID {
                if let id = UUID(uuidString: keyID) { route.providerKeyID = id } else { problem("provider_key_id", "must be a provider key id") }
            } else {
                route.providerKeyID = nil
            }
        }
        if let models = draft.allowedModels { route.allowedModels = models }
        if let mode = draft.failMode { route.failMode = mode }
        if let action = draft.injectionAction { route.injectionAction = action }
        if let mode = draft.piiMode { route.piiMode = mode }
        if let mode = draft.secretMode { route.secretMode = mode }
        if let limit = draft.requestLimitBytes { route.requestLimitBytes = limit }
        if let limit = draft.responseLimitBytes { route.responseLimitBytes = limit }
        if let budget = draft.detectorBudgetMilliseconds { route.detectorBudgetMilliseconds = budget }
        if let window = draft.streamHoldbackCharacters { route.streamHoldbackCharacters = window }

        if !ProviderKeyStore.providers.contains(route.provider) { problem("provider", "must be one of \(ProviderKeyStore.providers.joined(separator: ", "))") }
        if let reason = UpstreamURL.problem(route.upstreamBaseURL, allowedHosts: upstreamHosts) { problem("upstream_base_url", reason) }
        if route.allowedModels.count > 100 || route.allowedModels.contains(where: { !(1...200).contains($0.count) }) {
            problem("allowed_models", "must be at most 100 model names of 1 to 200 characters")
        }
        if !ProxyRoute.failModes.contains(route.failMode) { problem("fail_mode", "must be fail_open or fail_closed") }
        if !ProxyRoute.injectionActions.contains(route.injectionAction) { problem("injection_action", "must be block, review or flag") }
        if !ProxyRoute.dataModes.contains(route.piiMode) { problem("pii_mode", "must be strict, reversible, flag or block") }
        if !ProxyRoute.dataModes.contains(route.secretMode) { problem("secret_mode", "must be strict, reversible, flag or block") }
        if !(1024...33_554_432).contains(route.requestLimitBytes) { problem("request_limit_bytes", "must be 1024 to 33554432") }
        if !(1024...134_217_728).contains(route.responseLimitBytes) { problem("response_limit_bytes", "must be 1024 to 134217728") }
        if !(0...10_000).contains(route.detectorBudgetMilliseconds) { problem("detector_budget_ms", "must be 0 to 10000") }
        if !(16...4096).contains(route.streamHoldbackCharacters) { problem("stream_holdback_chars", "must be 16 to 4096") }
        guard problems.isEmpty else { throw Problem.invalid("the route is not valid", errors: problems) }
        return route
    }
}

/// Where a route may send a tenant's traffic: an http(s) URL without credentials, query or
/// fragment, to a host the deployment allows (`PALISADE_PROXY_UPSTREAM_HOSTS`), so a tenant
/// cannot aim the gateway at its own network.
enum UpstreamURL {
    static func problem(_ text: String, allowedHosts: Set<String>) -> String? {
        guard text.count <= 2048, let components = URLComponents(string: text),
              let scheme = components.scheme?.lowercased(), ["http", "https"].contains(scheme),
              let host = components.host?.lowercased(), !host.isEmpty else {
            return "must be an absolute http or https URL"
        }
        if components.user != nil || components.password != nil || components.query != nil || components.fragment != nil {
            return "must not carry credentials, a query or a fragment"
        }
        let port = components.port.map { ":\($0)" } ?? ""
        guard allowedHosts.contains("*") || allowedHosts.contains(host) || allowedHosts.contains(host + port) else {
            return "host \(host)\(port) is not among the upstream hosts this deployment allows"
        }
        return nil
    }
}
