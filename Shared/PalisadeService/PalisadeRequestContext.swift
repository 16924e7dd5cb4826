import Hummingbird
import Logging
import PalisadeAuth
import PalisadeKafka

/// Per-request state shared by middleware and handlers.
public struct PalisadeRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Accepted from `X-Request-Id` or generated; echoed and passed on.
    public var requestID: String
    /// This hop's span of the caller's W3C trace (`RequestIDMiddleware`).
    public var traceContext: TraceContext?
    /// Set by `AuthenticationMiddleware` once the credential verified.
    public var claims: PlatformClaims?
    /// The platform token standing for `claims` (minted by the gateway for API keys and OIDC).
    public var platformToken: String?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        requestID = ""
    }

    /// What records produced for this request carry in their headers.
    public var trace: RecordTrace {
        RecordTrace(requestID: requestID, traceparent: traceContext?.header)
    }

    /// Bodies are read explicitly with their own limits (`RequestBody`); this caps decoding.
    public var maxUploadSize: Int { 8 * 1024 * 1024 }

    /// The verified claims; a handler behind `AuthenticationMiddleware` always has them.
    public func requireClaims(_ capability: String) throws -> PlatformClaims {
        guard let claims else { throw Problem.unauthorized("a credential is required") }
        guard claims.allows(capability) else { throw Problem.missingCapability(capability) }
        return claims
    }
}
