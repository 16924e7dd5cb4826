import Foundation
import Hummingbird
import PalisadeAuth
import PalisadeService

/// `POST/GET /v1/watchers`, `DELETE /v1/watchers/{id}` (capability `watchers:admin`).
struct SourceRoutes: Sendable {
    let store: SourceStore
    let minimumInterval: Int

    struct Created: Encodable {
        var watcherID: String
        var name: String
        var url: String
        var provider: String
        var classification: String
        var severity: String
        var intervalSeconds: Int

        enum CodingKeys: String, CodingKey {
            case watcherID = "watcher_id"
            case intervalSeconds = "interval_seconds"
            case name, url, provider, classification, severity
        }
    }

    /// The routes a change of `provider` would affect: those seen calling it.
    struct AffectedRoutes: Encodable {
        var provider: String
        var routes: [String]
    }

    func register(on router: Router<PalisadeRequestContext>, registry: RouteRegistry) {
        router.route(.post, "/v1/watchers", registry: registry) { request, context in
            let claims = try context.requireClaims(Capability.watchersAdmin)
            let source = try await MessageBody.decodeJSON(request, as: SourceDraft.self).validated(minimumInterval: minimumInterval)
            try await store.create(source, scope: claims.scope, logger: context.logger)
            context.logger.info("watcher created", metadata: ["watcher_id": "\(source.watcherID)"])
            return try MessageBody.json(Created(
                watcherID: source.watcherID.uuidString.lowercased(), name: source.name, url: source.url, provider: source.provider,
                classification: source.classification, severity: source.severity.rawValue, intervalSeconds: source.intervalSeconds
            ), status: .created)
        }
        router.route(.get, "/v1/watchers", registry: registry) { _, context in
            let claims = try context.requireClaims(Capability.watchersAdmin)
            let json = try await store.listJSON(scope: claims.scope, logger: context.logger)
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: json)))
        }
        router.route(.get, "/v1/watchers/affected-routes", registry: registry) { request, context in
            let claims = try context.requireClaims(Capability.watchersAdmin)
            guard let provider = request.uri.queryParameters.get("provider")?.lowercased(), !provider.isEmpty else {
                throw Problem.invalid("the query parameters are not valid", errors: [
                    ProblemField(index: nil, field: "provider", reason: "is required, e.g. provider=anthropic"),
                ])
            }
            let routes = try await store.routes(of: provider, scope: claims.scope, logger: context.logger)
            return try MessageBody.json(AffectedRoutes(provider: provider, routes: routes))
        }
        router.route(.delete, "/v1/watchers/{id}", registry: registry) { _, context in
            let claims = try context.requireClaims(Capability.watchersAdmin)
            let watcherID = try context.pathUUID("id")
            guard try await store.delete(watcherID, scope: claims.scope, logger: context.logger) else {
                throw Problem.notFound("no watcher \(watcherID.uuidString.lowercased()) in this tenant")
            }
            return Response(status: .noContent)
        }
    }
}
