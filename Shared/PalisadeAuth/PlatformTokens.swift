import Crypto
import Foundation
import JWTKit

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

/// Verifies platform tokens against the configured public keys; accepts nothing else.
public struct PlatformTokenVerifier: Sendable {
    private let keys: JWTKeyCollection
    private let kids: Set<String>

    public init(verifyingKeys: [PlatformVerifyingKey]) async {
        keys = JWTKeyCollection()
        kids = Set(verifyingKeys.map(\.kid))
        for key in verifyingKeys {
            await keys.add(eddsa: EdDSA.PublicKey(backing: key.key), kid: JWKIdentifier(string: key.kid))
        }
    }

    /// The verified claims, or a `TokenError` that says why not.
    public func verify(_ token: String) async throws -> PlatformClaims {
        let header = try TokenHeader(token: token)
        guard header.alg == "EdDSA" else { throw TokenError.invalid("algorithm must be EdDSA") }
        guard let kid = header.kid, kids.contains(kid) else { throw TokenError.unknownKey }
        do {
            return try await keys.verify(token, as: PlatformClaims.self)
        } catch let error as TokenError {
            throw error
        } catch let error as JWTError where error.errorType == .claimVerificationFailure {
            if error.failedClaim is ExpirationClaim { throw TokenError.expired }
            throw TokenError.invalid("claim verification failed")
        } catch {
            throw TokenError.invalid("signature or claims rejected")
        }
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

enum Base64URL {
    static func decode(_ text: String) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        return Data(base64Encoded: base64)
    }
}
