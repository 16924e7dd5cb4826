import PalisadeAuth

/// Turns the bearer credential of a request into verified claims and the platform token that
/// carries them to the services. Services verify platform tokens only; the gateway also
/// exchanges API keys and OIDC tokens.
public protocol Authenticator: Sendable {
    /// The verified identity, or a `TokenError` saying why not (answered as 401).
    func authenticate(bearer: String, context: PalisadeRequestContext) async throws -> Authenticated
}

public struct Authenticated: Sendable {
    public var claims: PlatformClaims
    /// What a relayed request presents to the services.
    public var platformToken: String

    public init(claims: PlatformClaims, platformToken: String) {
        self.claims = claims
        self.platformToken = platformToken
    }
}

/// Accepts platform tokens, as every service behind the gateway does.
public struct PlatformTokenAuthenticator: Authenticator {
    let verifier: PlatformTokenVerifier

    public init(verifier: PlatformTokenVerifier) {
        self.verifier = verifier
    }

    public func authenticate(bearer: String, context: PalisadeRequestContext) async throws -> Authenticated {
        Authenticated(claims: try await verifier.verify(bearer), platformToken: bearer)
    }
}
