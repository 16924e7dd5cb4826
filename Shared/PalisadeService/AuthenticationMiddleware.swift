import Foundation
import Hummingbird
import Metrics
import PalisadeAuth

/// Refuses any request under `pathPrefix` without a valid credential (401) before a handler
/// runs, and puts the verified claims and tenant into the context and the logger.
public struct AuthenticationMiddleware: RouterMiddleware {
    public typealias Context = PalisadeRequestContext
    let authenticator: any Authenticator
    /// Only paths under this prefix need a credential (health, metrics, JWKS stay open).
    let pathPrefix: String
    private let refused = Counter(label: "palisade_auth_refused_total")

    public init(authenticator: any Authenticator, pathPrefix: String) {
        self.authenticator = authenticator
        self.pathPrefix = pathPrefix
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.uri.path.hasPrefix(pathPrefix) else { return try await next(request, context) }
        guard let bearer = Self.bearerToken(request.headers[.authorization]) else {
            refused.increment()
            throw Problem.unauthorized("send 'Authorization: Bearer <API key or token>'")
        }
        let identity: Authenticated
        do {
            identity = try await authenticator.authenticate(bearer: bearer, context: context)
        } catch let error as TokenError {
            refused.increment()
            context.logger.info("credential refused", metadata: ["reason": "\(error.description)"])
            throw Problem.unauthorized(error.description)
        }
        var context = context
        context.claims = identity.claims
        context.platformToken = identity.platformToken
        context.logger[metadataKey: "tenant_id"] = .string(identity.claims.tenantID)
        context.logger[metadataKey: "subject"] = .string(identity.claims.sub.value)
        return try await next(request, context)
    }

    static func bearerToken(_ header: String?) -> String? {
        guard let header, header.count > 7, header.prefix(7).lowercased() == "bearer " else { return nil }
        let token = header.dropFirst(7).trimmingCharacters(in: .whitespaces)
        return token.isEmpty ? nil : token
    }
}
