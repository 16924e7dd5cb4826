import Crypto
import Foundation

/// An Ed25519 signature over a pack's canonical JSON, with the id of the key that made it.
public struct PackSignature: Sendable, Equatable {
    public static let algorithm = "Ed25519"
    public var keyID: String
    /// 64 bytes.
    public var value: Data

    public init(keyID: String, value: Data) {
        self.keyID = keyID
        self.value = value
    }

    /// What is signed: a fixed label, so no other Palisade signature can pass for a pack's,
    /// then the canonical JSON.
    static func message(for pack: PolicyPack) -> Data {
        Data("palisade.policy-pack.v1\n".utf8) + Data(pack.canonicalJSON.bytes)
    }
}

/// A key that signs packs (kept by whoever publishes policy: a CI job, a security team).
public struct PackSigningKey: Sendable {
    public let keyID: String
    let key: Curve25519.Signing.PrivateKey

    public init(keyID: String) {
        self.keyID = keyID
        key = Curve25519.Signing.PrivateKey()
    }

    /// From the JSON `palisade pack keygen` writes: `{"key_id", "algorithm", "private_key"}`.
    public init(json: Data) throws(PackKeyError) {
        guard let object = try? JSONSerialization.jsonObject(with: json) as? [String: Any], let keyID = object["key_id"] as? String,
              PolicyPack.isName(keyID), object["algorithm"] as? String == PackSignature.algorithm,
              let encoded = object["private_key"] as? String, let raw = Data(base64Encoded: encoded),
              let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: raw) else {
            throw PackKeyError(message: "not a pack signing key (expected {\"key_id\", \"algorithm\": \"Ed25519\", \"private_key\"})")
        }
        self.keyID = keyID
        self.key = key
    }

    public var json: Data {
        Data(CanonicalJSON.object([
            "key_id": .string(keyID), "algorithm": .string(PackSignature.algorithm),
            "private_key": .string(key.rawRepresentation.base64EncodedString()),
        ]).bytes)
    }

    public var verifyingKey: PackVerifyingKey { PackVerifyingKey(keyID: keyID, key: key.publicKey) }

    public func sign(_ pack: PolicyPack) throws -> PackSignature {
        try sign(message: PackSignature.message(for: pack))
    }

    /// Signs a labelled message (`PackSetSeal.message`).
    public func sign(message: Data) throws -> PackSignature {
        PackSignature(keyID: keyID, value: try key.signature(for: message))
    }
}

public struct PackVerifyingKey: Sendable {
    public let keyID: String
    let key: Curve25519.Signing.PublicKey

    init(keyID: String, key: Curve25519.Signing.PublicKey) {
        self.keyID = keyID
        self.key = key
    }

    /// `{"key_id", "algorithm", "public_key"}`.
    public init(object: [String: Any]) throws(PackKeyError) {
        guard let keyID = object["key_id"] as? String, PolicyPack.isName(keyID), object["algorithm"] as? String == PackSignature.algorithm,
              let encoded = object["public_key"] as? String, let raw = Data(base64Encoded: encoded),
              let key = try? Curve25519.Signing.PublicKey(rawRepresentation: raw) else {
            throw PackKeyError(message: "not a pack verifying key (expected {\"key_id\", \"algorithm\": \"Ed25519\", \"public_key\"})")
        }
        self.keyID = keyID
        self.key = key
    }

    public var jsonObject: CanonicalJSON {
        .object(["key_id": .string(keyID), "algorithm": .string(PackSignature.algorithm), "public_key": .string(key.rawRepresentation.base64EncodedString())])
    }
}

public struct PackKeyError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

/// What a pack's signature proves.
public enum PackVerification: Sendable, Equatable {
    case verified(keyID: String)
    case unsigned
    case unknownKey(String)
    /// The pack changed after it was signed, or the signature is not the key's.
    case invalidSignature(keyID: String)

    public var isVerified: Bool {
        if case .verified = self { return true }
        return false
    }
}

/// The keys a deployment trusts to sign packs.
public struct TrustedPackKeys: Sendable {
    private let keys: [String: PackVerifyingKey]

    public init(_ keys: [PackVerifyingKey]) {
        self.keys = Dictionary(keys.map { ($0.keyID, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// `{"keys": [{"key_id", "algorithm", "public_key"}, …]}`.
    public init(json: Data) throws(PackKeyError) {
        guard let object = try? JSONSerialization.jsonObject(with: json) as? [String: Any], let list = object["keys"] as? [[String: Any]] else {
            throw PackKeyError(message: "trusted pack keys are {\"keys\": [{\"key_id\", \"algorithm\", \"public_key\"}, …]}")
        }
        var keys: [PackVerifyingKey] = []
        for entry in list { keys.append(try PackVerifyingKey(object: entry)) }
        self.init(keys)
    }

    public var isEmpty: Bool { keys.isEmpty }

    public func verify(_ pack: PolicyPack, signature: PackSignature?) -> PackVerification {
        verify(message: PackSignature.message(for: pack), signature: signature)
    }

    public func verify(message: Data, signature: PackSignature?) -> PackVerification {
        guard let signature else { return .unsigned }
        guard let key = keys[signature.keyID] else { return .unknownKey(signature.keyID) }
        return key.key.isValidSignature(signature.value, for: message)
            ? .verified(keyID: signature.keyID) : .invalidSignature(keyID: signature.keyID)
    }
}

/// A pack with its signature, as it travels: `{"pack": {…}, "signature": {"algorithm", "key_id", "value"}}`.
public struct SignedPack: Sendable, Equatable {
    public var pack: PolicyPack
    public var signature: PackSignature?

    public init(pack: PolicyPack, signature: PackSignature?) {
        self.pack = pack
        self.signature = signature
    }

    public var canonicalJSON: CanonicalJSON {
        var members: [String: CanonicalJSON] = ["pack": pack.canonicalJSON]
        if let signature {
            members["signature"] = .object([
                "algorithm": .string(PackSignature.algorithm), "key_id": .string(signature.keyID),
                "value": .string(signature.value.base64EncodedString()),
            ])
        }
        return .object(members)
    }
}
