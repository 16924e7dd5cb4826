import Foundation

/// Seals small secrets (signing keys, tenants' data keys) under a key the process does not
/// store next to them. Locally that is `MasterKey`; in production a KMS can stand behind the
/// same two calls. `context` is bound to the ciphertext (AAD): a sealed value copied to
/// another row or purpose does not open.
public protocol KeyWrapping: Sendable {
    /// Names the wrapping key, stored beside each sealed value so rotation knows what to re-wrap.
    var keyID: String { get }
    func seal(_ plaintext: Data, context: String) throws -> Data
    func open(_ sealed: Data, context: String) throws -> Data
}

public enum KeyWrappingError: Error, CustomStringConvertible {
    case malformedKey(String)
    case unopenable

    public var description: String {
        switch self {
        case .malformedKey(let reason): "master key: \(reason)"
        case .unopenable: "sealed value does not open under this key and context"
        }
    }
}
