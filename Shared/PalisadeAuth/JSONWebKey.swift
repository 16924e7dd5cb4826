import Crypto
import Foundation

/// A JSON Web Key (RFC 7517) as published in a JWKS: the members Palisade reads and writes.
public struct JSONWebKey: Codable, Sendable, Equatable {
    public var kty: String
    public var kid: String?
    public var use: String?
    public var alg: String?
    /// OKP and EC curves.
    public var crv: String?
    public var x: String?
    public var y: String?
    /// RSA modulus and exponent.
    public var n: String?
    public var e: String?

    public init(kty: String, kid: String?, use: String? = "sig", alg: String?, crv: String? = nil,
                x: String? = nil, y: String? = nil, n: String? = nil, e: String? = nil) {
        self.kty = kty
        self.kid = kid
        self.use = use
        self.alg = alg
        self.crv = crv
        self.x = x
        self.y = y
        self.n = n
        self.e = e
    }
}

public struct JSONWebKeySet: Codable, Sendable, Equatable {
    public var keys: [JSONWebKey]

    public init(keys: [JSONWebKey]) {
        self.keys = keys
    }
}

extension PlatformVerifyingKey {
    /// This key as an Ed25519 OKP JWK.
    public var jwk: JSONWebKey {
        JSONWebKey(kty: "OKP", kid: kid, alg: "EdDSA", crv: "Ed25519", x: Base64URL.encode(key.rawRepresentation))
    }

    /// The Ed25519 keys of a JWKS; other keys (and keys without a kid) are skipped.
    public static func keys(in set: JSONWebKeySet) -> [PlatformVerifyingKey] {
        set.keys.compactMap { jwk in
            guard jwk.kty == "OKP", jwk.crv == "Ed25519", jwk.alg == nil || jwk.alg == "EdDSA",
                  let kid = jwk.kid, !kid.isEmpty, let x = jwk.x, let bytes = Base64URL.decode(x),
                  let key = try? Curve25519.Signing.PublicKey(rawRepresentation: bytes) else { return nil }
            return PlatformVerifyingKey(kid: kid, key: key)
        }
    }
}
