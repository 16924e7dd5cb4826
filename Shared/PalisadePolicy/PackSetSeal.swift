import Crypto
import Foundation
import PalisadeEvents

/// The policy service's signature over a tenant's whole active set: the tenant, the revision,
/// and each pack's id, version, mode and document digest.
///
/// Pack signatures prove who wrote each pack, not which packs are in force or how: without a
/// seal, whoever can write the packs topic could publish a set with a higher revision that
/// drops a pack, turns an enforced one to shadow, or brings back an old signed version. The
/// seal's key belongs to the policy service (not to the pack authors), and gateways that
/// trust it take only sets it sealed.
public enum PackSetSeal {
    public struct Member: Sendable {
        public var packID: String
        public var version: String
        public var mode: String
        public var document: Data

        public init(packID: String, version: String, mode: String, document: Data) {
            self.packID = packID
            self.version = version
            self.mode = mode
            self.document = document
        }
    }

    /// What is signed: a label no other Palisade signature uses, then canonical JSON.
    public static func message(tenantID: String, revision: Int64, members: [Member]) -> Data {
        let packs: [CanonicalJSON] = members.map { member in
            .object([
                "pack_id": .string(member.packID), "version": .string(member.version), "mode": .string(member.mode),
                "document_sha256": .string(SHA256.hash(data: member.document).map { Self.hex($0) }.joined()),
            ])
        }
        let body = CanonicalJSON.object(["tenant_id": .string(tenantID), "revision": .integer(Int(revision)), "packs": .array(packs)])
        return Data("palisade.policy-pack-set.v1\n".utf8) + Data(body.bytes)
    }

    private static let digits = Array("0123456789abcdef")

    private static func hex(_ byte: UInt8) -> String {
        String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
    }
}

extension Palisade_V1_PolicyPackSet {
    /// What the seal covers.
    public var sealMessage: Data {
        PackSetSeal.message(tenantID: tenantID, revision: revision, members: packs.map {
            PackSetSeal.Member(packID: $0.packID, version: $0.version, mode: $0.mode, document: $0.document)
        })
    }

    public var sealSignature: PackSignature? {
        sealedBy.isEmpty && seal.isEmpty ? nil : PackSignature(keyID: sealedBy, value: seal)
    }

    /// Seals the set as it now is (any later change breaks the seal).
    public mutating func seal(with key: PackSigningKey) throws {
        let signature = try key.sign(message: sealMessage)
        sealedBy = signature.keyID
        seal = signature.value
    }
}

/// Which pack sets a gateway takes: those sealed by a key in `PALISADE_POLICY_SET_KEYS_FILE`;
/// unsealed ones only with no such keys and `PALISADE_POLICY_ALLOW_UNSIGNED=true`
/// (development).
public struct PackSetTrust: Sendable {
    public let keys: TrustedPackKeys
    public let allowUnsealed: Bool

    public init(keys: TrustedPackKeys, allowUnsealed: Bool) {
        self.keys = keys
        self.allowUnsealed = allowUnsealed
    }

    public static func load(environment: [String: String]) throws(PackKeyError) -> PackSetTrust {
        let allowUnsealed = environment["PALISADE_POLICY_ALLOW_UNSIGNED"] == "true"
        guard let path = environment["PALISADE_POLICY_SET_KEYS_FILE"], !path.isEmpty else {
            return PackSetTrust(keys: TrustedPackKeys([]), allowUnsealed: allowUnsealed)
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw PackKeyError(message: "PALISADE_POLICY_SET_KEYS_FILE: cannot read \(path)")
        }
        return PackSetTrust(keys: try TrustedPackKeys(json: data), allowUnsealed: allowUnsealed)
    }

    /// Nil when the set is accepted; otherwise why not, in words safe to show.
    public func refusal(message: Data, seal: PackSignature?) -> String? {
        guard let seal else {
            return allowUnsealed && keys.isEmpty ? nil : "the pack set is not sealed by the policy service"
        }
        switch keys.verify(message: message, signature: seal) {
        case .verified: return nil
        case .unsigned: return "the pack set is not sealed by the policy service"
        case .unknownKey(let id): return "the pack set is sealed by \(id), a key this gateway does not trust"
        case .invalidSignature(let id): return "the seal by \(id) does not match the pack set (changed after sealing?)"
        }
    }
}

/// The key the policy service seals sets with: `PALISADE_POLICY_SET_SIGNING_KEY_FILE`, a key
/// file as `palisade pack keygen` writes it.
public enum PackSetSealer {
    public static func load(environment: [String: String]) throws(PackKeyError) -> PackSigningKey? {
        guard let path = environment["PALISADE_POLICY_SET_SIGNING_KEY_FILE"], !path.isEmpty else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw PackKeyError(message: "PALISADE_POLICY_SET_SIGNING_KEY_FILE: cannot read \(path)")
        }
        return try PackSigningKey(json: data)
    }
}
