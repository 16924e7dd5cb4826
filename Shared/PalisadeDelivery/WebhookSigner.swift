import Crypto
import Foundation

/// Signs webhook requests the Standard Webhooks way: `webhook-id`, `webhook-timestamp` and
/// `webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, keyed by the bytes of a
/// `whsec_<base64>` secret.
public struct WebhookSigner: Sendable {
    public static let prefix = "whsec_"
    private let key: SymmetricKey

    /// Nil when the secret is not `whsec_` followed by base64 of 24 to 64 bytes.
    public init?(secret: String) {
        guard secret.hasPrefix(Self.prefix), let bytes = Data(base64Encoded: String(secret.dropFirst(Self.prefix.count))),
              (24...64).contains(bytes.count) else { return nil }
        key = SymmetricKey(data: bytes)
    }

    /// A fresh secret with 32 random bytes.
    public static func generateSecret() -> String {
        prefix + SymmetricKey(size: .bits256).withUnsafeBytes { Data($0).base64EncodedString() }
    }

    /// The three headers for one attempt (the timestamp is the attempt's own).
    public func headers(id: String, timestamp: Date, body: [UInt8]) -> [(name: String, value: String)] {
        let seconds = String(Int64(timestamp.timeIntervalSince1970))
        var message = Array("\(id).\(seconds).".utf8)
        message += body
        let mac = HMAC<SHA256>.authenticationCode(for: message, using: key)
        return [
            ("webhook-id", id),
            ("webhook-timestamp", seconds),
            ("webhook-signature", "v1," + Data(mac).base64EncodedString()),
        ]
    }
}
