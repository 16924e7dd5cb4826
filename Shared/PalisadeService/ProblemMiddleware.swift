import Foundation
import Hummingbird
import Logging

/// Turns every error into an RFC 7807 response; unexpected ones are logged and become 500s
/// that reveal nothing but the request id.
public struct ProblemMiddleware: RouterMiddleware {
    public typealias Context = PalisadeRequestContext
    let registry: RouteRegistry

    public init(registry: RouteRegistry) {
        self.registry = registry
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let problem = problem(for: error, request: request, context: context)
            return problem.makeResponse(requestID: context.requestID, instance: request.uri.path)
        }
    }

    func problem(for error: any Error, request: Request, context: Context) -> Problem {
        switch error {
        case let problem as Problem:
            if problem.status.code >= 500 {
                context.logger.error("request failed", metadata: ["status": "\(problem.status.code)", "detail": "\(problem.detail)"])
            }
            return problem
        case let error as HTTPError where error.status == .notFound:
            let allowed = registry.methods(matching: request.uri.path)
            return allowed.isEmpty ? .notFound() : .methodNotAllowed(allowed: allowed)
        case let error as HTTPError where error.status == .contentTooLarge:
            return .contentTooLarge(limit: context.maxUploadSize)
        case let error as HTTPError where error.status.code < 500:
            return Problem(error.status, slug: "http-\(error.status.code)", title: error.status.reasonPhrase,
                           detail: error.body ?? error.status.reasonPhrase)
        case is DecodingError:
            return .malformed("the body is not the JSON this endpoint expects")
        default:
            context.logger.error("unhandled error", metadata: ["error": "\(String(reflecting: error))"])
            return .internal()
        }
    }
}
