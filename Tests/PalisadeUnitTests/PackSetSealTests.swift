import Foundation
import PalisadeEvents
import PalisadePolicy
import Testing

/// What the policy service's seal over a tenant's set covers, and which sets a gateway takes.
@Suite struct PackSetSealTests {
    static let key = PackSigningKey(keyID: "policy-service")
    static let trust = PackSetTrust(keys: TrustedPackKeys([key.verifyingKey]), allowUnsealed: false)

    static func sealedSet() throws -> Palisade_V1_PolicyPackSet {
        var pack = Palisade_V1_ActivePack()
        pack.packID = "guard"
        pack.version = "1.0.0"
        pack.mode = "enforce"
        pack.document = Data(#"{"id":"guard"}"#.utf8)
        var set = Palisade_V1_PolicyPackSet()
        set.tenantID = "7d3f6c1e-0000-4000-8000-000000000001"
        set.revision = 7
        set.packs = [pack]
        try set.seal(with: key)
        return set
    }

    @Test func aSealedSetVerifiesAndAnyChangeBreaksIt() throws {
        let set = try Self.sealedSet()
        #expect(Self.trust.refusal(message: set.sealMessage, seal: set.sealSignature) == nil)
        let changes: [(inout Palisade_V1_PolicyPackSet) -> Void] = [
            { $0.revision += 1 }, { $0.tenantID = "7d3f6c1e-0000-4000-8000-000000000002" }, { $0.packs[0].mode = "shadow" },
            { $0.packs[0].version = "0.9.0" }, { $0.packs[0].document = Data(#"{"id":"guard2"}"#.utf8) }, { $0.packs = [] },
            { $0.packs.append($0.packs[0]) },
        ]
        for (index, change) in changes.enumerated() {
            var changed = set
            change(&changed)
            #expect(Self.trust.refusal(message: changed.sealMessage, seal: changed.sealSignature)?.contains("does not match") == true, "change \(index)")
        }
        // Fields the seal does not cover (when and by whom it was activated) may differ.
        var stamped = set
        stamped.packs[0].activatedBy = "someone"
        #expect(Self.trust.refusal(message: stamped.sealMessage, seal: stamped.sealSignature) == nil)
    }

    @Test func unsealedSetsNeedDevelopmentModeAndNoSealKeys() throws {
        var unsealed = try Self.sealedSet()
        unsealed.sealedBy = ""
        unsealed.seal = Data()
        #expect(Self.trust.refusal(message: unsealed.sealMessage, seal: unsealed.sealSignature)?.contains("not sealed") == true)
        #expect(PackSetTrust(keys: TrustedPackKeys([]), allowUnsealed: true).refusal(message: unsealed.sealMessage, seal: nil) == nil)
        #expect(PackSetTrust(keys: TrustedPackKeys([]), allowUnsealed: false).refusal(message: unsealed.sealMessage, seal: nil) != nil)
        #expect(PackSetTrust(keys: TrustedPackKeys([Self.key.verifyingKey]), allowUnsealed: true).refusal(message: unsealed.sealMessage, seal: nil) != nil)
        let stranger = try PackSigningKey(keyID: "stranger").sign(message: unsealed.sealMessage)
        #expect(Self.trust.refusal(message: unsealed.sealMessage, seal: stranger)?.contains("does not trust") == true)
    }
}
