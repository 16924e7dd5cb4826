import Foundation
import Hummingbird
import PalisadeAuth
import PalisadeService

/// `GET /v1/deliveries?status=&limit=` (capability `alerts:admin`): deliveries and their attempts.
struct DeliveryRoutes: Sendable {
    static let statuses = ["pending", "delivered", "failed"]
    let store: DeliveryStore

    func register(on router: Router<PalisadeRequestContext>, registry: RouteRegistry) {
        router.route(.get, "/v1/deliveries", registry: registry) { request, context in
            let claims = try context.requireClaims(Capability.alertsAdmin)
            let parameters = request.uri.queryParameters
            var problems: [ProblemField] = []
            let page = PageRequest(limit: parameters.get("limit"), cursor: nil, problems: &problems)
            let status = parameters.get("status").flatMap { $0.isEmpty ? nil : $0 }
            if let status, !Self.statuses.contains(status) {
                problems.append(ProblemField(index: nil, field: "status", reason: "must be one of \(Self.statuses.joined(separator: ", "))"))
            }
            guard problems.isEmpty else { throw Problem.invalid("the query parameters are not valid", errors: problems) }
            let json = try await store.list(status: status, limit: page.limit, scope: claims.scope, logger: context.logger)
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: json)))
        }
    }
}
