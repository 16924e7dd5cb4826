import Crypto
import Foundation

/// An AES-256-GCM key from configuration (`<key id>:<base64 of 32 bytes>`), sealing as
/// nonce ‖ ciphertext ‖ tag.
public struct MasterKey: KeyWrapping {
    public let keyID: String
    private let key: SymmetricKey

    public init(encoded: String) throws {
        let text = encoded.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let colon = text.firstIndex(of: ":") else { throw KeyWrappingError.malformedKey("expected <key id>:<base64>") }
        let id = String(text[..<colon])
        guard !id.isEmpty, let bytes = Data(base64Encoded: String(text[text.index(after: colon)...])), bytes.count == 32 else {
            throw KeyWrappingError.malformedKey("expected <key id>:<base64 of 32 bytes>")
        }
        keyID = id
        key = SymmetricKey(data: bytes)
    }

    /// A fresh key's configuration text (secret: keep it out of logs).
    public static func generateEncoded(keyID: String) -> String {
        let key = SymmetricKey(size: .bits256)
        return "\(keyID):\(key.withUnsafeBytes { Data($0) }.base64EncodedString())"
    }

    public func seal(_ plaintext: Data, context: String) throws -> Data {
        guard let combined = try AES.GCM.seal(plaintext, using: key, authenticating: Data(context.utf8)).combined else {
            throw KeyWrappingError.unopenable
        }
        return combined
    }

    public func open(_ sealed: Data, context: String) throws -> Data {
        do {
            return try AES.GCM.open(AES.GCM.SealedBox(combined: sealed), using: key, authenticating: Data(context.utf8))
        } catch {
            throw KeyWrappingError.unopenable
        }
    }
}
