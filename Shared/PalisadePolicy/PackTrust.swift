import Foundation

/// Which packs a deployment accepts: those a trusted key signed, and unsigned ones only where
/// the deployment says so (development). The policy service asks before it activates a pack,
/// the gateway again before it loads one.
public struct PackTrust: Sendable {
    public let keys: TrustedPackKeys
    public let allowUnsigned: Bool

    public init(keys: TrustedPackKeys, allowUnsigned: Bool) {
        self.keys = keys
        self.allowUnsigned = allowUnsigned
    }

    /// `PALISADE_POLICY_TRUSTED_KEYS_FILE` (`{"keys": […]}`, as `palisade pack keygen` prints
    /// them) and `PALISADE_POLICY_ALLOW_UNSIGNED` (`true` to accept unsigned packs; only that
    /// spelling, so a typo never turns verification off).
    public static func load(environment: [String: String]) throws(PackKeyError) -> PackTrust {
        let allowUnsigned = environment["PALISADE_POLICY_ALLOW_UNSIGNED"] == "true"
        guard let path = environment["PALISADE_POLICY_TRUSTED_KEYS_FILE"], !path.isEmpty else {
            return PackTrust(keys: TrustedPackKeys([]), allowUnsigned: allowUnsigned)
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw PackKeyError(message: "PALISADE_POLICY_TRUSTED_KEYS_FILE: cannot read \(path)")
        }
        return PackTrust(keys: try TrustedPackKeys(json: data), allowUnsigned: allowUnsigned)
    }

    /// Nil when the pack is accepted (some signature verifies, or unsigned packs are allowed
    /// and it has none); otherwise why it is not, in words safe to show.
    public func refusal(_ pack: PolicyPack, signatures: [PackSignature]) -> String? {
        if signatures.isEmpty { return allowUnsigned ? nil : "the pack is unsigned and this deployment accepts only signed packs" }
        var reasons: [String] = []
        for signature in signatures {
            switch keys.verify(pack, signature: signature) {
            case .verified: return nil
            case .unsigned: reasons.append("unsigned")
            case .unknownKey(let id): reasons.append("signed by \(id), a key this deployment does not trust")
            case .invalidSignature(let id): reasons.append("the signature by \(id) does not match the pack (edited after signing?)")
            }
        }
        return reasons.joined(separator: "; ")
    }
}
