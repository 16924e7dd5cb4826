import Hummingbird
import Logging
import PalisadeAuth

/// Per-request state shared by middleware and handlers.
public struct PalisadeRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Accepted from `X-Request-Id` or generated; echoed and passed on.
    public var requestID: String
    /// Set by `PlatformAuthMiddleware` once the platform token verified.
    public var claims: PlatformClaims?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        requestID = ""
    }

    /// Bodies are read explicitly with their own limits (`RequestBody`); this caps decoding.
    public var maxUploadSize: Int { 8 * 1024 * 1024 }

    /// The verified claims; a handler behind `PlatformAuthMiddleware` always has them.
    public func requireClaims(_ capability: String) throws -> PlatformClaims {
        guard let claims else { throw Problem.unauthorized("a platform token is required") }
        guard claims.allows(capability) else {
            throw Problem.forbidden("the token lacks the '\(capability)' capability")
        }
        return claims
    }
}
