import Foundation
import HTTPTypes
import PalisadeAuth
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
        let requestID = offered.flatMap { Self.isAcceptable($0) ? $0 : nil } ?? Self.generate()
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

    /// A lowercase random (version 4) UUID. Foundation's `UUID()` opens /dev/urandom on every
    /// call on Linux; the system generator asks the kernel without a file.
    public static func generate() -> String {
        var bytes = SecureBytes.random(16)
        bytes[6] = (bytes[6] & 0x0F) | 0x40
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        return [bytes[0..<4], bytes[4..<6], bytes[6..<8], bytes[8..<10], bytes[10..<16]].map { Hex.encode($0) }.joined(separator: "-")
    }

    /// 1–128 visible ASCII characters: anything else could forge log lines.
    static func isAcceptable(_ value: String) -> Bool {
        !value.isEmpty && value.utf8.count <= 128 && value.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F }
    }
}
