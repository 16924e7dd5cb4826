import Crypto
import Foundation

/// A tenant's AES-256-GCM data key: seals the tenant's secrets (provider keys, vaulted
/// values) as nonce ‖ ciphertext ‖ tag, with a context bound to each (AAD). The key itself is
/// stored only wrapped by the master key (`KeyWrapping`) and opened for the call that needs it.
public struct DataKey: Sendable {
    private let key: SymmetricKey

    public init(rawBytes: Data) throws {
        guard rawBytes.count == 32 else { throw KeyWrappingError.malformedKey("a data key is 32 bytes") }
        key = SymmetricKey(data: rawBytes)
    }

    public static func generate() -> (key: DataKey, rawBytes: Data) {
        let key = SymmetricKey(size: .bits256)
        let bytes = key.withUnsafeBytes { Data($0) }
        return (DataKey(key), bytes)
    }

    private init(_ key: SymmetricKey) {
        self.key = key
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
