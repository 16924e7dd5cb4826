import Foundation
import Hummingbird
import PalisadeAuth
import PalisadeService

/// `POST/GET /v1/alert-channels`, `DELETE /v1/alert-channels/{id}` (capability `alerts:admin`).
struct ChannelRoutes: Sendable {
    let store: ChannelStore

    struct ChannelView: Encodable {
        var channelID: String
        var name: String
        var type = "webhook"
        var url: String
        var minSeverity: String
        /// Only in the answer to the creation: the secret is never shown again.
        var secret: String?

        init(_ channel: Channel, revealSecret: Bool) {
            channelID = channel.channelID.uuidString.lowercased()
            name = channel.name
            url = channel.url
            minSeverity = channel.minSeverity.rawValue
            secret = revealSecret ? channel.secret : nil
        }

        enum CodingKeys: String, CodingKey {
            case channelID = "channel_id"
            case minSeverity = "min_severity"
            case name, type, url, secret
        }
    }

    struct ChannelList: Encodable {
        var channels: [ChannelView]
    }

    func register(on router: Router<PalisadeRequestContext>, registry: RouteRegistry) {
        router.route(.post, "/v1/alert-channels", registry: registry) { request, context in
            let claims = try context.requireClaims(Capability.alertsAdmin)
            let channel = try await MessageBody.decodeJSON(request, as: ChannelDraft.self).validated()
            try await store.create(channel, scope: claims.scope, logger: context.logger)
            context.logger.info("alert channel created", metadata: ["channel_id": "\(channel.channelID)"])
            return try MessageBody.json(ChannelView(channel, revealSecret: true), status: .created)
        }
        router.route(.get, "/v1/alert-channels", registry: registry) { _, context in
            let claims = try context.requireClaims(Capability.alertsAdmin)
            let channels = try await store.list(scope: claims.scope, logger: context.logger)
            return try MessageBody.json(ChannelList(channels: channels.map { ChannelView($0, revealSecret: false) }))
        }
        router.route(.delete, "/v1/alert-channels/{id}", registry: registry) { _, context in
            let claims = try context.requireClaims(Capability.alertsAdmin)
            let channelID = try context.pathUUID("id")
            guard try await store.delete(channelID, scope: claims.scope, logger: context.logger) else {
                throw Problem.notFound("no alert channel \(channelID.uuidString.lowercased()) in this tenant")
            }
            return Response(status: .noContent)
        }
    }
}
