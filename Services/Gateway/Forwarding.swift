import AsyncHTTPClient
import Foundation
import Hummingbird
import HTTPTypes
import NIOCore
import PalisadeService

/// Relays an authenticated request to an internal service: the platform token standing for the
/// caller's credential (never the credential itself), request id, traceparent and body go
/// along; the service's answer comes back unchanged.
struct Forwarding: Sendable {
    let upstream: String
    let name: String
    /// The gateway's pool towards the services (sized by `PALISADE_UPSTREAM_CONNECTIONS`).
    let client: HTTPClient

    static let bodyLimit = 4 * 1024 * 1024
    static let responseLimit = 16 * 1024 * 1024
    static let forwardedHeaders: [HTTPField.Name] = [.contentType, .accept]

    func register(_ routes: [(HTTPRequest.Method, String)], on router: Router<PalisadeRequestContext>, registry: RouteRegistry) {
        for (method, path) in routes {
            router.route(method, path, registry: registry) { request, context in
                try await forward(request, context: context)
            }
        }
    }

    private func forward(_ request: Request, context: PalisadeRequestContext) async throws -> Response {
        var outgoing = HTTPClientRequest(url: upstream + request.uri.description)
        outgoing.method = .init(rawValue: request.method.rawValue)
        for name in Self.forwardedHeaders {
            if let value = request.headers[name] { outgoing.headers.add(name: name.rawName, value: value) }
        }
        guard let platformToken = context.platformToken else { throw Problem.unauthorized("a credential is required") }
        outgoing.headers.add(name: "Authorization", value: "Bearer \(platformToken)")
        outgoing.headers.add(name: HTTPField.Name.requestID.rawName, value: context.requestID)
        if let trace = context.traceContext { outgoing.headers.add(name: "traceparent", value: trace.header) }
        if request.method == .post || request.method == .put || request.method == .patch {
            let body = try await MessageBody.collect(request, limit: Self.bodyLimit)
            outgoing.body = .bytes(ByteBuffer(bytes: body))
        }
        let answer: HTTPClientResponse
        let payload: ByteBuffer
        do {
            answer = try await client.execute(outgoing, timeout: .seconds(30))
            payload = try await answer.body.collect(upTo: Self.responseLimit)
        } catch {
            context.logger.error("upstream unreachable", metadata: ["upstream": "\(name)", "error": "\(error)"])
            throw Problem.unavailable("the \(name) service did not answer")
        }
        var headers = HTTPFields()
        if let type = answer.headers.first(name: "content-type"), let name = HTTPField.Name("Content-Type") {
            headers[name] = type
        }
        for passthrough in ["Retry-After", "WWW-Authenticate", "Allow"] {
            if let value = answer.headers.first(name: passthrough), let name = HTTPField.Name(passthrough) {
                headers[name] = value
            }
        }
        return Response(status: .init(code: Int(answer.status.code)), headers: headers, body: .init(byteBuffer: payload))
    }
}
