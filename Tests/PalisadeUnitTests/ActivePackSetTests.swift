import Foundation
@testable import PalisadePolicy
import Testing

/// How several active packs decide together, and which packs a deployment accepts.
@Suite struct ActivePackSetTests {
    static func pack(_ id: String, version: String = "1.0.0", scope: String = "tenant", rules: String) throws -> CompiledPack {
        try CompiledPack(try PackReader.read("""
            id: \(id)
            version: \(version)
            default_action: allow
            scope: \(scope)
            rules:
            \(rules)
            """))
    }

    @Test func theStrictestEnforcedPackDecidesAndShadowPacksOnlyReport() throws {
        let open = try Self.pack("a-open", rules: "  - {rule_id: review_exports, when: 'action eq \"export\"', action: require_approval}")
        let strict = try Self.pack("b-strict", rules: "  - {rule_id: no_exports, when: 'action eq \"export\"', action: deny}")
        let set = ActivePackSet(revision: 3, packs: [LoadedPack(strict, mode: .shadow), LoadedPack(open, mode: .enforce)])
        let export = set.decide(DecisionInput(user: "u", action: "export", resource: "r"))
        #expect(export.enforced.map { set.packs[$0.pack].packID } == "a-open")
        #expect(export.enforced?.decision.effect == .requireApproval)
        #expect(export.shadow.map { set.path(of: $0) } == ["rules/no_exports"])
        #expect(export.shadow.first?.decision.effect == .deny)

        let enforcedBoth = ActivePackSet(revision: 4, packs: [LoadedPack(strict, mode: .enforce), LoadedPack(open, mode: .enforce)])
        let strictest = enforcedBoth.decide(DecisionInput(user: "u", action: "export", resource: "r"))
        #expect(strictest.enforced?.decision.effect == .deny)
        #expect(strictest.enforced.map { enforcedBoth.path(of: $0) } == "rules/no_exports")
        // Among equal answers the first pack by id decides.
        let read = enforcedBoth.decide(DecisionInput(user: "u", action: "read", resource: "r"))
        #expect(read.enforced.map { enforcedBoth.packs[$0.pack].packID } == "a-open")
        #expect(read.enforced?.decision.effect == .allow)
    }

    @Test func routeScopedPacksApplyOnlyToTheirRoutes() throws {
        let chat = try Self.pack("chat-only", scope: "{routes: [prod-chat]}", rules: "  - {rule_id: all, when: 'action exists', action: deny}")
        let set = ActivePackSet(revision: 1, packs: [LoadedPack(chat, mode: .enforce)])
        #expect(set.decide(DecisionInput(user: "u", action: "a", resource: "r", route: "prod-chat")).enforced?.decision.effect == .deny)
        #expect(set.decide(DecisionInput(user: "u", action: "a", resource: "r", route: "batch")).enforced == nil)
        #expect(set.decide(DecisionInput(user: "u", action: "a", resource: "r")).enforced == nil)
    }

    @Test func onlyPacksSignedByATrustedKeyAreAccepted() throws {
        let trusted = PackSigningKey(keyID: "ci")
        let pack = try Self.pack("p", rules: "  - {rule_id: r, when: 'action eq \"x\"', action: deny}").pack
        let trust = PackTrust(keys: TrustedPackKeys([trusted.verifyingKey]), allowUnsigned: false)
        #expect(trust.refusal(pack, signatures: [try trusted.sign(pack)]) == nil)
        #expect(trust.refusal(pack, signatures: [])?.contains("unsigned") == true)
        #expect(trust.refusal(pack, signatures: [try PackSigningKey(keyID: "other").sign(pack)])?.contains("does not trust") == true)
        var edited = pack
        edited.rules[0].action = .allow
        #expect(trust.refusal(edited, signatures: [try trusted.sign(pack)])?.contains("does not match") == true)
        // A stranger's signature beside a trusted one does not spoil it.
        #expect(trust.refusal(pack, signatures: [try PackSigningKey(keyID: "other").sign(pack), try trusted.sign(pack)]) == nil)
        #expect(PackTrust(keys: TrustedPackKeys([]), allowUnsigned: true).refusal(pack, signatures: []) == nil)
    }

    @Test func onlyTheExactSpellingAllowsUnsignedPacks() throws {
        #expect(try PackTrust.load(environment: ["PALISADE_POLICY_ALLOW_UNSIGNED": "true"]).allowUnsigned)
        for spelling in ["TRUE", "1", "yes", ""] {
            #expect(try !PackTrust.load(environment: ["PALISADE_POLICY_ALLOW_UNSIGNED": spelling]).allowUnsigned)
        }
        #expect(throws: PackKeyError.self) { try PackTrust.load(environment: ["PALISADE_POLICY_TRUSTED_KEYS_FILE": "/nonexistent/keys.json"]) }
    }
}
