import Crypto
import Foundation
import Synchronization

/// Verifies bearer JWTs from configured OIDC issuers against their JWKS.
///
/// Order matters: the header's algorithm is checked before anything else (`none` and HMAC
/// never reach a key), the issuer is looked up from the unverified payload only to learn which
/// keys to use, and no claim is trusted until the signature verified.
public final class OIDCTokenVerifier: Sendable {
    /// Fetches a JWKS document (an HTTP GET in production).
    public typealias Fetch = @Sendable (String) async throws -> Data

    private struct KeySet: Sendable {
        var keys: [String: JWSPublicKey]
        /// Keys without a kid are usable only when they are the whole set.
        var anonymous: [JWSPublicKey]
        var fetchedAt: ContinuousClock.Instant
    }

    private let fetch: Fetch
    private let maximumAge: Duration
    private let minimumRefreshInterval: Duration
    private let keySets = Mutex<[String: KeySet]>([:])
    private let gates = Mutex<[String: RefreshGate]>([:])

    /// Keys are refetched after `maximumAge`, and on an unknown kid at most once per
    /// `minimumRefreshInterval` per JWKS.
    public init(fetch: @escaping Fetch, maximumAge: Duration = .seconds(600), minimumRefreshInterval: Duration = .seconds(10)) {
        self.fetch = fetch
        self.maximumAge = maximumAge
        self.minimumRefreshInterval = minimumRefreshInterval
    }

    /// The identity in `token`, from the one issuer among `candidates` (the registrations of its
    /// `iss`) that it satisfies; a `TokenError` saying why not otherwise.
    public func verify(_ token: String, now: Date = Date(),
                       candidates: (String) async throws -> [OIDCIssuer]) async throws -> OIDCIdentity {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3 else { throw TokenError.malformed("expected three dot-separated parts") }
        let header = try TokenHeader(token: token)
        guard JWSPublicKey.supportedAlgorithms.contains(header.alg) else {
            throw TokenError.invalid("algorithm \(header.alg) is not accepted (RS256, ES256 or EdDSA)")
        }
        guard let payloadData = Base64URL.decode(String(parts[1])),
              let claims = (try? JSONSerialization.jsonObject(with: payloadData)) as? [String: Any] else {
            throw TokenError.malformed("payload is not base64url JSON")
        }
        guard let signature = Base64URL.decode(String(parts[2])) else { throw TokenError.malformed("signature is not base64url") }
        guard let iss = claims["iss"] as? String else { throw TokenError.invalid("no iss claim") }
        let registrations = try await candidates(iss).filter { $0.issuer == iss }
        guard let first = registrations.first else { throw TokenError.invalid("issuer is not trusted") }
        // Registrations of one issuer share its JWKS; the signature is checked once.
        let key = try await key(for: header, jwksURI: first.jwksURI)
        let signingInput = Data(token.utf8.prefix(parts[0].utf8.count + 1 + parts[1].utf8.count))
        guard key.verifies(algorithm: header.alg, signingInput: signingInput, signature: signature) else {
            throw TokenError.invalid("signature does not verify")
        }
        var lastError = TokenError.invalid("no registration of this issuer accepts the token")
        var accepted: [OIDCIdentity] = []
        for issuer in registrations {
            do {
                accepted.append(try Self.identity(claims, issuer: issuer, now: now))
            } catch let error as TokenError {
                lastError = error
            }
        }
        guard accepted.count <= 1 else { throw TokenError.invalid("the token matches more than one tenant") }
        guard let identity = accepted.first else { throw lastError }
        return identity
    }

    /// The key for the header's kid; an unknown kid refreshes the JWKS (rate-limited). Without
    /// a kid, only a JWKS of exactly one key will do.
    private func key(for header: TokenHeader, jwksURI: String) async throws -> JWSPublicKey {
        var set = try await keySet(jwksURI, forceRefresh: false)
        guard let kid = header.kid else {
            let all = Array(set.keys.values) + set.anonymous
            guard all.count == 1, let only = all.first else {
                throw TokenError.invalid("the token has no kid and the issuer publishes several keys")
            }
            return only
        }
        if set.keys[kid] == nil {
            set = try await keySet(jwksURI, forceRefresh: true)
        }
        guard let key = set.keys[kid] else { throw TokenError.unknownKey }
        return key
    }

    private func keySet(_ uri: String, forceRefresh: Bool) async throws -> KeySet {
        let cached = keySets.withLock { $0[uri] }
        if let cached, !forceRefresh, ContinuousClock.now - cached.fetchedAt < maximumAge { return cached }
        let gate = gates.withLock { gates in
            if let gate = gates[uri] { return gate }
            let gate = RefreshGate(minimumInterval: minimumRefreshInterval)
            gates[uri] = gate
            return gate
        }
        let reload: @Sendable () async throws -> Void = { [self] in
            let document = try JSONDecoder().decode(JSONWebKeySet.self, from: try await fetch(uri))
            var set = KeySet(keys: [:], anonymous: [], fetchedAt: .now)
            for jwk in document.keys {
                guard let key = JWSPublicKey(jwk: jwk) else { continue }
                if let kid = jwk.kid { set.keys[kid] = key } else { set.anonymous.append(key) }
            }
            keySets.withLock { $0[uri] = set }
        }
        do {
            if cached == nil { try await gate.run(reload) } else { try await gate.runIfDue(reload) }
        } catch {
            // A provider that is briefly unreachable must not lock out every user: keep using
            // the keys we had, and refuse only when we never had any.
            guard let cached else { throw TokenError.invalid("the issuer's keys could not be fetched") }
            return cached
        }
        return keySets.withLock { $0[uri] } ?? cached ?? KeySet(keys: [:], anonymous: [], fetchedAt: .now)
    }

    /// Checks the verified claims against one registration.
    static func identity(_ claims: [String: Any], issuer: OIDCIssuer, now: Date) throws -> OIDCIdentity {
        guard let exp = numericDate(claims["exp"]) else { throw TokenError.invalid("no exp claim") }
        guard now.addingTimeInterval(-issuer.clockSkew) < exp else { throw TokenError.expired }
        if let nbf = numericDate(claims["nbf"]), nbf > now.addingTimeInterval(issuer.clockSkew) {
            throw TokenError.invalid("token is not valid yet (nbf)")
        }
        if let iat = numericDate(claims["iat"]), iat > now.addingTimeInterval(issuer.clockSkew) {
            throw TokenError.invalid("token was issued in the future (iat)")
        }
        let audiences: [String] = (claims["aud"] as? String).map { [$0] } ?? (claims["aud"] as? [String]) ?? []
        guard audiences.contains(where: issuer.audiences.contains) else { throw TokenError.invalid("audience is not accepted") }
        if let tenantClaim = issuer.tenantClaim {
            guard let value = stringValue(claims, path: tenantClaim), value == issuer.tenantClaimValue else {
                throw TokenError.invalid("tenant claim does not match")
            }
        }
        guard let subject = stringValue(claims, path: issuer.subjectClaim), !subject.isEmpty, subject.count <= 320 else {
            throw TokenError.invalid("no \(issuer.subjectClaim) claim")
        }
        let providerRoles = strings(claims, path: issuer.rolesClaim)
        let roles = Set(providerRoles.compactMap { issuer.roleMapping[$0] } + issuer.defaultRoles)
        return OIDCIdentity(issuer: issuer, subject: subject, roles: roles.sorted(), expiresAt: exp)
    }

    static func numericDate(_ value: Any?) -> Date? {
        guard let number = value as? NSNumber, !(value is Bool) else { return nil }
        return Date(timeIntervalSince1970: number.doubleValue)
    }

    static func value(_ claims: [String: Any], path: String) -> Any? {
        if let direct = claims[path] { return direct }
        var current: Any? = claims
        for component in path.split(separator: ".") {
            current = (current as? [String: Any])?[String(component)]
        }
        return current
    }

    static func stringValue(_ claims: [String: Any], path: String) -> String? {
        value(claims, path: path) as? String
    }

    static func strings(_ claims: [String: Any], path: String) -> [String] {
        let found = value(claims, path: path)
        if let single = found as? String { return single.split(separator: " ").map(String.init) }
        return (found as? [Any])?.compactMap { $0 as? String } ?? []
    }
}
