import Foundation
import HTTPTypes
import Hummingbird
import PalisadeKafka
import PalisadeStore

/// Accepts a well-formed `X-Request-Id` or makes one, continues the caller's W3C trace (or
/// starts one), and puts both into the logger, the response, and every database transaction
/// the request runs (`palisade.request_id`, via `RequestTrace`).
public struct RequestIDMiddleware: RouterMiddleware {
    public typealias Context = PalisadeRequestContext

    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let offered = request.headers[.requestID]
        let requestID = offered.flatMap { Self.isAcceptable($0) ? $0 : nil } ?? RandomUUID.text()
        let trace = TraceContext(continuing: request.headers[.traceparent])
        context.requestID = requestID
        context.traceContext = trace
        context.logger[metadataKey: "request_id"] = .string(requestID)
        context.logger[metadataKey: "trace_id"] = .string(trace.traceID)
        context.logger[metadataKey: "span_id"] = .string(trace.spanID)
        var response = try await RequestTrace.$requestID.withValue(requestID) {
            try await next(request, context)
        }
        response.headers[.requestID] = requestID
        response.headers[.traceparent] = trace.header
        return response
    }

    /// 1–128 visible ASCII characters: anything else could forge log lines.
    static func isAcceptable(_ value: String) -> Bool {
        !value.isEmpty && value.utf8.count <= 128 && value.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F }
    }
}
