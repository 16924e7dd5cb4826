import Crypto
import Foundation

/// An Ed25519 key pair with its `kid`, as configured: `<kid>:<base64 32-byte seed>` for signing
/// keys and `<kid>:<base64 32-byte public key>` for verifying keys.
public struct PlatformSigningKey: Sendable {
    public let kid: String
    public let key: Curve25519.Signing.PrivateKey

    public init(kid: String, key: Curve25519.Signing.PrivateKey) {
        self.kid = kid
        self.key = key
    }

    public static func generate(kid: String) -> PlatformSigningKey {
        PlatformSigningKey(kid: kid, key: Curve25519.Signing.PrivateKey())
    }

    public init(encoded: String) throws {
        let (kid, bytes) = try KeyText.split(encoded)
        self.init(kid: kid, key: try Curve25519.Signing.PrivateKey(rawRepresentation: bytes))
    }

    /// The configuration text of this signing key (secret: keep it out of logs).
    public var encoded: String { "\(kid):\(key.rawRepresentation.base64EncodedString())" }

    public var verifyingKey: PlatformVerifyingKey {
        PlatformVerifyingKey(kid: kid, key: key.publicKey)
    }
}

public struct PlatformVerifyingKey: Sendable {
    public let kid: String
    public let key: Curve25519.Signing.PublicKey

    public init(kid: String, key: Curve25519.Signing.PublicKey) {
        self.kid = kid
        self.key = key
    }

    public init(encoded: String) throws {
        let (kid, bytes) = try KeyText.split(encoded)
        self.init(kid: kid, key: try Curve25519.Signing.PublicKey(rawRepresentation: bytes))
    }

    public var encoded: String { "\(kid):\(key.rawRepresentation.base64EncodedString())" }

    /// A comma-separated list, as in `PALISADE_PLATFORM_PUBLIC_KEYS`.
    public static func list(_ text: String) throws -> [PlatformVerifyingKey] {
        try text.split(separator: ",")
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
            .map { try PlatformVerifyingKey(encoded: $0) }
    }
}

enum KeyText {
    static func split(_ text: String) throws -> (kid: String, bytes: Data) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let colon = trimmed.firstIndex(of: ":") else {
            throw TokenError.malformed("key must look like <kid>:<base64>")
        }
        let kid = String(trimmed[..<colon])
        guard !kid.isEmpty, let bytes = Data(base64Encoded: String(trimmed[trimmed.index(after: colon)...])), bytes.count == 32 else {
            throw TokenError.malformed("key must look like <kid>:<base64 of 32 bytes>")
        }
        return (kid, bytes)
    }
}
