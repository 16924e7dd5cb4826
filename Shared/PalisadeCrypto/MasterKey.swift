import Crypto
import Foundation

/// An AES-256-GCM key from configuration (`<key id>:<base64 of 32 bytes>`), sealing as
/// nonce ‖ ciphertext ‖ tag.
public struct MasterKey: KeyWrapping {
    public let keyID: String
    private let key: DataKey

    public init(encoded: String) throws {
        let text = encoded.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let colon = text.firstIndex(of: ":") else { throw KeyWrappingError.malformedKey("expected <key id>:<base64>") }
        let id = String(text[..<colon])
        guard !id.isEmpty, let bytes = Data(base64Encoded: String(text[text.index(after: colon)...])), bytes.count == 32 else {
            throw KeyWrappingError.malformedKey("expected <key id>:<base64 of 32 bytes>")
        }
        keyID = id
        key = try DataKey(rawBytes: bytes)
    }

    /// A fresh key's configuration text (secret: keep it out of logs).
    public static func generateEncoded(keyID: String) -> String {
        let key = SymmetricKey(size: .bits256)
        return "\(keyID):\(key.withUnsafeBytes { Data($0) }.base64EncodedString())"
    }

    public func seal(_ plaintext: Data, context: String) throws -> Data {
        try key.seal(plaintext, context: context)
    }

    public func open(_ sealed: Data, context: String) throws -> Data {
        try key.open(sealed, context: context)
    }
}
