import Foundation
import Hummingbird
import PalisadeEdge
import PalisadeService

/// `GET /openapi.json`: the public API document, converted from `proto/openapi.yaml` once at
/// start-up.
struct APIDocumentRoutes: Sendable {
    let document: OpenAPIDocument

    func register(on router: Router<PalisadeRequestContext>, registry: RouteRegistry) {
        router.route(.get, "/openapi.json", registry: registry) { _, _ in
            var headers = HTTPFields()
            headers[.contentType] = "application/json"
            headers[.cacheControl] = "public, max-age=300"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: document.json)))
        }
    }

    /// Refuses to serve when a route is missing from the document or the document names a
    /// route that is not served: the document is the contract, so drift is a start-up error.
    func requireMatch(_ registry: RouteRegistry) throws {
        let mismatches = document.mismatches(served: registry.operations)
        guard mismatches.isEmpty else { throw OpenAPIDocumentError.mismatch(mismatches) }
    }
}
