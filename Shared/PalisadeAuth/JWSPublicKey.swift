import Crypto
import CryptoExtras
import Foundation

/// A public key from a JWKS, bound to the one JWS algorithm its type allows: RS256 for RSA,
/// ES256 for P-256, EdDSA for Ed25519. A token whose header names any other algorithm for the
/// key is refused, so an HMAC token "signed" with the public key text never verifies.
public enum JWSPublicKey: Sendable {
    case rsa(_RSA.Signing.PublicKey)
    case p256(P256.Signing.PublicKey)
    case ed25519(Curve25519.Signing.PublicKey)

    public static let supportedAlgorithms: Set<String> = ["RS256", "ES256", "EdDSA"]

    /// Nil for key types, curves or sizes Palisade does not accept (RSA under 2048 bits).
    public init?(jwk: JSONWebKey) {
        if let use = jwk.use, use != "sig" { return nil }
        switch (jwk.kty, jwk.crv) {
        case ("RSA", _):
            guard jwk.alg == nil || jwk.alg == "RS256", let n = jwk.n.flatMap(Base64URL.decode), let e = jwk.e.flatMap(Base64URL.decode),
                  let key = try? _RSA.Signing.PublicKey(n: n, e: e) else { return nil }
            self = .rsa(key)
        case ("EC", "P-256"):
            guard jwk.alg == nil || jwk.alg == "ES256", let x = jwk.x.flatMap(Base64URL.decode), let y = jwk.y.flatMap(Base64URL.decode),
                  x.count == 32, y.count == 32, let key = try? P256.Signing.PublicKey(rawRepresentation: x + y) else { return nil }
            self = .p256(key)
        case ("OKP", "Ed25519"):
            guard jwk.alg == nil || jwk.alg == "EdDSA", let x = jwk.x.flatMap(Base64URL.decode),
                  let key = try? Curve25519.Signing.PublicKey(rawRepresentation: x) else { return nil }
            self = .ed25519(key)
        default:
            return nil
        }
    }

    /// The only algorithm this key verifies.
    public var algorithm: String {
        switch self {
        case .rsa: "RS256"
        case .p256: "ES256"
        case .ed25519: "EdDSA"
        }
    }

    /// Whether `signature` signs `signingInput` (the `header.payload` text) under `algorithm`.
    public func verifies(algorithm requested: String, signingInput: Data, signature: Data) -> Bool {
        guard requested == algorithm else { return false }
        switch self {
        case .rsa(let key):
            return key.isValidSignature(_RSA.Signing.RSASignature(rawRepresentation: signature),
                                        for: SHA256.hash(data: signingInput), padding: .insecurePKCS1v1_5)
        case .p256(let key):
            // JWS carries r ‖ s (64 bytes), not DER.
            guard signature.count == 64, let ecdsa = try? P256.Signing.ECDSASignature(rawRepresentation: signature) else { return false }
            return key.isValidSignature(ecdsa, for: SHA256.hash(data: signingInput))
        case .ed25519(let key):
            return key.isValidSignature(signature, for: signingInput)
        }
    }
}
