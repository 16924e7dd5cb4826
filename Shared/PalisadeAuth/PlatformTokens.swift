import Crypto
import Foundation
import JWTKit
import Synchronization

/// Mints platform tokens (EdDSA, `kid` in the header). Only the gateway and the CLI hold one.
public struct PlatformTokenIssuer: Sendable {
    private let keys: JWTKeyCollection
    private let kid: JWKIdentifier

    public init(signingKey: PlatformSigningKey) async {
        keys = JWTKeyCollection()
        kid = JWKIdentifier(string: signingKey.kid)
        await keys.add(eddsa: EdDSA.PrivateKey(backing: signingKey.key), kid: kid)
    }

    public func mint(_ claims: PlatformClaims) async throws -> String {
        try await keys.sign(claims, kid: kid)
    }
}

/// Where verifying keys come from besides configuration: the gateway's JWKS (services) or
/// the gateway's own keyring. Keys rotate, so the verifier asks again when it meets a new kid.
public protocol PlatformKeySource: Sendable {
    func verifyingKeys() async throws -> [PlatformVerifyingKey]
}

/// Verifies platform tokens against the configured public keys and those of its source;
/// accepts nothing else. An unknown kid triggers a refresh from the source (coalesced with any
/// refresh in flight, at most one per `minimumRefreshInterval`), so a rotated key is picked
/// up without a restart and a flood of made-up kids cannot hammer the source.
public final class PlatformTokenVerifier: Sendable {
    private struct KeySet: Sendable {
        var kids: Set<String>
        var collection: JWTKeyCollection
    }

    private let configured: [PlatformVerifyingKey]
    private let source: (any PlatformKeySource)?
    private let keySet: Mutex<KeySet>
    private let refresher: RefreshGate
    /// Tokens already verified, by SHA-256 of their text: a relayed caller presents the same
    /// token on every request, and the signature check is the costliest step of a request.
    /// Entries live at most a JWKS refresh period, so a key withdrawn from the JWKS stops
    /// being honoured as soon as it would have been without the cache.
    private let verified: ExpiringCache<SHA256Digest, PlatformClaims>

    public init(verifyingKeys: [PlatformVerifyingKey], source: (any PlatformKeySource)? = nil,
                minimumRefreshInterval: Duration = .seconds(1), verifiedLifetime: Duration = .seconds(60)) async {
        configured = verifyingKeys
        self.source = source
        verified = ExpiringCache(lifetime: verifiedLifetime, capacity: 50_000)
        keySet = Mutex(await Self.keySet(verifyingKeys))
        refresher = RefreshGate(minimumInterval: minimumRefreshInterval)
    }

    /// Fetches the source's keys now (periodically, and on an unknown kid).
    public func refresh() async throws {
        try await refresher.run(reload)
    }

    /// Replaces the key set with the configured keys plus what the source says now.
    private var reload: @Sendable () async throws -> Void {
        { [self] in
            guard let source else { return }
            let rebuilt = await Self.keySet(configured + (try await source.verifyingKeys()))
            keySet.withLock { $0 = rebuilt }
        }
    }

    /// The verified claims, or a `TokenError` that says why not.
    public func verify(_ token: String) async throws -> PlatformClaims {
        let digest = SHA256.hash(data: Data(token.utf8))
        if let claims = verified.value(for: digest) {
            // A cached token still expires on time.
            guard claims.exp.value > Date() else { throw TokenError.expired }
            return claims
        }
        let claims = try await verifySignatureAndClaims(token)
        verified.store(claims, for: digest)
        return claims
    }

    private func verifySignatureAndClaims(_ token: String) async throws -> PlatformClaims {
        let header = try TokenHeader(token: token)
        guard header.alg == "EdDSA" else { throw TokenError.invalid("algorithm must be EdDSA") }
        guard let kid = header.kid else { throw TokenError.unknownKey }
        var keys = keySet.withLock { $0 }
        if !keys.kids.contains(kid), source != nil {
            try? await refresher.runSoon(reload)
            keys = keySet.withLock { $0 }
        }
        guard keys.kids.contains(kid) else { throw TokenError.unknownKey }
        do {
            return try await keys.collection.verify(token, as: PlatformClaims.self)
        } catch let error as TokenError {
            throw error
        } catch let error as JWTError where error.errorType == .claimVerificationFailure {
            if error.failedClaim is ExpirationClaim { throw TokenError.expired }
            throw TokenError.invalid("claim verification failed")
        } catch {
            throw TokenError.invalid("signature or claims rejected")
        }
    }

    private static func keySet(_ keys: [PlatformVerifyingKey]) async -> KeySet {
        let collection = JWTKeyCollection()
        for key in keys {
            await collection.add(eddsa: EdDSA.PublicKey(backing: key.key), kid: JWKIdentifier(string: key.kid))
        }
        return KeySet(kids: Set(keys.map(\.kid)), collection: collection)
    }
}

/// Runs one refresh at a time: callers arriving while one runs wait for it. `runSoon` starts
/// at most one refresh per `minimumInterval` (counted from the last success): a caller that
/// comes sooner waits out the rest of the interval, then joins whatever refresh ran since it
/// arrived or starts one. A kid published a moment after a refresh is still learnt, and made-up
/// kids cannot make the source busier than once an interval.
actor RefreshGate {
    private let minimumInterval: Duration
    private var inFlight: Task<Void, any Error>?
    private var lastSucceeded: ContinuousClock.Instant?

    init(minimumInterval: Duration) {
        self.minimumInterval = minimumInterval
    }

    func run(_ work: @escaping @Sendable () async throws -> Void) async throws {
        if let inFlight { return try await inFlight.value }
        let task = Task { try await work() }
        inFlight = task
        defer { inFlight = nil }
        try await task.value
        // Only a success counts: after a failure (the source was down) the next caller retries.
        lastSucceeded = .now
    }

    /// Skips when the last success is less than `minimumInterval` old (for sources where a
    /// made-up kid should cost nothing, not a wait).
    func runIfDue(_ work: @escaping @Sendable () async throws -> Void) async throws {
        if inFlight == nil, let lastSucceeded, ContinuousClock.now - lastSucceeded < minimumInterval { return }
        try await run(work)
    }

    func runSoon(_ work: @escaping @Sendable () async throws -> Void) async throws {
        let arrived = ContinuousClock.now
        if inFlight == nil, let lastSucceeded {
            let wait = minimumInterval - (arrived - lastSucceeded)
            if wait > .zero { try await Task.sleep(for: wait) }
        }
        if let lastSucceeded, lastSucceeded > arrived, inFlight == nil { return }
        try await run(work)
    }
}

/// What an unverified JWT claims to be, for routing it to the right verifier only.
public enum UnverifiedJWT {
    /// The payload's `iss`, or nil when the text is not a JWT with one.
    public static func issuer(of token: String) -> String? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let data = Base64URL.decode(String(parts[1])),
              let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else { return nil }
        return object["iss"] as? String
    }
}

/// The JOSE header, read before any key is chosen so unsigned tokens are refused up front.
struct TokenHeader: Decodable {
    var alg: String
    var kid: String?

    init(token: String) throws {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3 else { throw TokenError.malformed("expected three dot-separated parts") }
        guard let data = Base64URL.decode(String(parts[0])),
              let header = try? JSONDecoder().decode(TokenHeader.self, from: data) else {
            throw TokenError.malformed("header is not base64url JSON")
        }
        self = header
    }
}

public enum Base64URL {
    public static func encode(_ bytes: some Sequence<UInt8>) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    public static func decode(_ text: String) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        return Data(base64Encoded: base64)
    }
}
