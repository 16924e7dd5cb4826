import Foundation
import Hummingbird
import Metrics
import PalisadeAuth

/// Refuses any request without a valid platform token (401) before a handler runs, and puts
/// the verified claims and tenant into the context and the logger.
public struct PlatformAuthMiddleware: RouterMiddleware {
    public typealias Context = PalisadeRequestContext
    let verifier: PlatformTokenVerifier
    /// Only paths under this prefix need a token (health and metrics stay open).
    let pathPrefix: String
    private let refused = Counter(label: "palisade_auth_refused_total")

    public init(verifier: PlatformTokenVerifier, pathPrefix: String) {
        self.verifier = verifier
        self.pathPrefix = pathPrefix
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.uri.path.hasPrefix(pathPrefix) else { return try await next(request, context) }
        guard let token = Self.bearerToken(request.headers[.authorization]) else {
            refused.increment()
            throw Problem.unauthorized("send 'Authorization: Bearer <platform token>'")
        }
        let claims: PlatformClaims
        do {
            claims = try await verifier.verify(token)
        } catch let error as TokenError {
            refused.increment()
            throw Problem.unauthorized(error.description)
        }
        var context = context
        context.claims = claims
        context.logger[metadataKey: "tenant_id"] = .string(claims.tenantID)
        return try await next(request, context)
    }

    static func bearerToken(_ header: String?) -> String? {
        guard let header, header.count > 7, header.prefix(7).lowercased() == "bearer " else { return nil }
        let token = header.dropFirst(7).trimmingCharacters(in: .whitespaces)
        return token.isEmpty ? nil : token
    }
}
