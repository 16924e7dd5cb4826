import Foundation
import Hummingbird
import PalisadeAuth
import PalisadeService

/// `POST/GET /v1/siem/destinations`, `DELETE /v1/siem/destinations/{id}` (capability `siem:admin`).
/// The HEC token is write-only: answers show only its last four characters.
struct DestinationRoutes: Sendable {
    let store: DestinationStore

    struct DestinationView: Encodable {
        var destinationID: String
        var name: String
        var type = "splunk_hec"
        var url: String
        var index: String?
        var sourcetype: String
        var tokenHint: String

        init(_ destination: Destination) {
            destinationID = destination.destinationID.uuidString.lowercased()
            name = destination.name
            url = destination.url
            index = destination.index
            sourcetype = destination.sourcetype
            tokenHint = "…" + destination.token.suffix(4)
        }

        enum CodingKeys: String, CodingKey {
            case destinationID = "destination_id"
            case tokenHint = "token_hint"
            case name, type, url, index, sourcetype
        }
    }

    struct DestinationList: Encodable {
        var destinations: [DestinationView]
    }

    func register(on router: Router<PalisadeRequestContext>, registry: RouteRegistry) {
        router.route(.post, "/v1/siem/destinations", registry: registry) { request, context in
            let claims = try context.requireClaims(Capability.siemAdmin)
            let destination = try await MessageBody.decodeJSON(request, as: DestinationDraft.self).validated()
            try await store.create(destination, scope: claims.scope, logger: context.logger)
            context.logger.info("siem destination created", metadata: ["destination_id": "\(destination.destinationID)"])
            return try MessageBody.json(DestinationView(destination), status: .created)
        }
        router.route(.get, "/v1/siem/destinations", registry: registry) { _, context in
            let claims = try context.requireClaims(Capability.siemAdmin)
            let destinations = try await store.list(scope: claims.scope, logger: context.logger)
            return try MessageBody.json(DestinationList(destinations: destinations.map(DestinationView.init)))
        }
        router.route(.delete, "/v1/siem/destinations/{id}", registry: registry) { _, context in
            let claims = try context.requireClaims(Capability.siemAdmin)
            let destinationID = try context.pathUUID("id")
            guard try await store.delete(destinationID, scope: claims.scope, logger: context.logger) else {
                throw Problem.notFound("no siem destination \(destinationID.uuidString.lowercased()) in this tenant")
            }
            return Response(status: .noContent)
        }
    }
}
