import Foundation
import Hummingbird
import PalisadeAuth
import PalisadeEvents
import PalisadeKafka
import PalisadeService

/// `GET /v1/incidents`, `GET /v1/incidents/{id}`, `POST /v1/incidents/{id}/acknowledge|resolve`.
struct IncidentRoutes: Sendable {
    let store: IncidentStore
    let publisher: IncidentPublisher

    func register(on router: Router<PalisadeRequestContext>, registry: RouteRegistry) {
        router.route(.get, "/v1/incidents", registry: registry) { request, context in
            let claims = try context.requireClaims(Capability.incidentsRead)
            let query = try IncidentQuery(request.uri.queryParameters)
            return Self.json(try await store.list(query, scope: claims.scope, logger: context.logger))
        }
        router.route(.get, "/v1/incidents/{id}", registry: registry) { _, context in
            let claims = try context.requireClaims(Capability.incidentsRead)
            let incidentID = try context.pathUUID("id")
            guard let json = try await store.detail(incidentID, scope: claims.scope, logger: context.logger) else {
                throw Problem.notFound("no incident \(incidentID.uuidString.lowercased()) in this tenant")
            }
            return Self.json(json)
        }
        for transition in [IncidentStore.Transition.acknowledge, .resolve] {
            router.route(.post, "/v1/incidents/{id}/\(transition.rawValue)", registry: registry) { request, context in
                try await apply(transition, request: request, context: context)
            }
        }
    }

    /// Stores the change, publishes it, then answers with the incident. A publish failure
    /// answers 503; the retry finds the stored change and publishes it again.
    private func apply(_ transition: IncidentStore.Transition, request: Request, context: PalisadeRequestContext) async throws -> Response {
        let claims = try context.requireClaims(Capability.incidentsWrite)
        let incidentID = try context.pathUUID("id")
        let outcome = try await store.transition(transition, incidentID: incidentID, scope: claims.scope,
                                                 requestID: context.requestID, logger: context.logger)
        switch outcome {
        case .notFound:
            throw Problem.notFound("no incident \(incidentID.uuidString.lowercased()) in this tenant")
        case .conflict(let detail):
            throw Problem(.conflict, slug: "incident-state", title: "Incident state conflict", detail: detail)
        case .changed(let event):
            try await publish(event, request: request, context: context)
            context.logger.info("incident \(transition.status)", metadata: ["incident_id": "\(event.incidentID)"])
        case .repeated(let event, let currentStatus):
            // Published again in case the first attempt's publish failed after the commit.
            try await publish(event, request: request, context: context)
            if currentStatus != transition.status {
                throw Problem(.conflict, slug: "incident-state", title: "Incident state conflict",
                              detail: "the incident is \(currentStatus); it cannot be \(transition.status) again")
            }
        }
        guard let json = try await store.detail(incidentID, scope: claims.scope, logger: context.logger) else {
            throw Problem.notFound("no incident \(incidentID.uuidString.lowercased()) in this tenant")
        }
        return Self.json(json)
    }

    private func publish(_ event: Palisade_V1_IncidentEvent, request: Request, context: PalisadeRequestContext) async throws {
        let trace = context.trace
        do {
            try await publisher.publish([event]) { _ in trace }
        } catch {
            context.logger.error("incident change not published", metadata: ["error": "\(error)"])
            throw Problem.unavailable("the change is saved but not yet published; retry the request")
        }
    }

    static func json(_ text: String) -> Response {
        Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
