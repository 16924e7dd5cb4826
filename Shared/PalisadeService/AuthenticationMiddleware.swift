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

    /// The credential after a case-insensitive `Bearer `, without surrounding spaces and tabs.
    /// Runs on every request, so it stays in UTF-8 rather than going through Foundation.
    public static func bearerToken(_ header: String?) -> String? {
        guard let header else { return nil }
        let bytes = header.utf8
        let scheme = "bearer ".utf8
        guard bytes.count > scheme.count,
              zip(bytes.prefix(scheme.count), scheme).allSatisfy({ Self.lowercasedASCII($0) == $1 }) else { return nil }
        let token = FieldText.trimmingOptionalWhitespace(Substring(bytes.dropFirst(scheme.count)))
        return token.isEmpty ? nil : String(token)
    }

    private static func lowercasedASCII(_ byte: UInt8) -> UInt8 {
        (0x41...0x5A).contains(byte) ? byte | 0x20 : byte
    }
}
