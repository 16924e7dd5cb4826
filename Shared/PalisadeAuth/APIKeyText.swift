import Crypto
import Foundation

/// An API key as the client holds it: `pal_<id>_<secret>`. The id finds the stored row; only
/// SHA-256(secret) is stored, and it is compared in constant time.
public struct APIKeyText: Sendable, Equatable {
    public static let prefix = "pal_"
    public let id: String
    public let secret: String

    /// A new key: 12 random bytes of id (24 hex digits), 32 of secret (43 base64url characters).
    public static func generate() -> APIKeyText {
        APIKeyText(id: Hex.encode(SecureBytes.random(12)), secret: Base64URL.encode(SecureBytes.random(32)))
    }

    init(id: String, secret: String) {
        self.id = id
        self.secret = secret
    }

    /// Parses the presented text; nil when it is not shaped like one of our keys.
    public init?(_ text: String) {
        guard text.hasPrefix(Self.prefix) else { return nil }
        let rest = text.dropFirst(Self.prefix.count)
        guard let separator = rest.firstIndex(of: "_") else { return nil }
        let id = rest[..<separator]
        let secret = rest[rest.index(after: separator)...]
        guard Self.isKeyID(String(id)), (32...128).contains(secret.utf8.count) else { return nil }
        self.init(id: String(id), secret: String(secret))
    }

    /// 24 lowercase hex digits.
    public static func isKeyID(_ text: String) -> Bool {
        text.utf8.count == 24 && text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }

    /// What the client is shown once.
    public var text: String { "\(Self.prefix)\(id)_\(secret)" }

    public var secretHash: Data { Data(SHA256.hash(data: Data(secret.utf8))) }

    /// Whether `storedHash` is this secret's hash, in time independent of where they differ.
    public func matches(storedHash: Data) -> Bool {
        ConstantTime.equal(secretHash, storedHash)
    }
}
