import Foundation
import HTTPTypes
import Hummingbird

/// Accepts a well-formed `X-Request-Id` or makes one; puts it in the logger and the response.
public struct RequestIDMiddleware: RouterMiddleware {
    public typealias Context = PalisadeRequestContext

    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let offered = request.headers[.requestID]
        let requestID = offered.flatMap { Self.isAcceptable($0) ? $0 : nil } ?? UUID().uuidString.lowercased()
        context.requestID = requestID
        context.logger[metadataKey: "request_id"] = .string(requestID)
        var response = try await next(request, context)
        response.headers[.requestID] = requestID
        return response
    }

    /// 1–128 visible ASCII characters: anything else could forge log lines.
    static func isAcceptable(_ value: String) -> Bool {
        !value.isEmpty && value.utf8.count <= 128 && value.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F }
    }
}
