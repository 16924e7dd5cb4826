import Foundation
@testable import PalisadePolicy
import Testing

@Suite struct PolicyPackTests {
    static let yaml = """
        id: support-agents
        version: 1.4.0-rc.1
        description: What support staff and their agents may do
        default_action: deny
        scope:
          routes: [prod-chat, prod-summary]
        resource_classes:
          export: ["tool:crm.export", "tool:export.*"]
          admin: ["tool:admin.*"]
        roles:
          analyst:
            permissions:
              - actions: [read, search]
                resources: ["tool:crm.*", "tool:kb.*"]
              - actions: [export]
                resources: ["tool:crm.export"]
            sensitive:
              export: require_approval
        agents:
          support-bot:
            roles: [analyst]
        rules:
          - rule_id: bulk_export
            description: Big exports need a second pair of eyes
            severity: high
            when: 'action eq "export" and context.records gt 1000'
            action: require_approval
          - rule_id: no_secrets_out
            severity: critical
            when: |
              findings.categories contains "secret"
              or context.destination matches "(?i)pastebin"
            action: deny
        approval:
          expires_in_seconds: 900
        """

    static var json: String {
        """
        {"id": "support-agents", "version": "1.4.0-rc.1", "description": "What support staff and their agents may do",
         "scope": {"routes": ["prod-chat", "prod-summary"]},
         "resource_classes": {"admin": ["tool:admin.*"], "export": ["tool:crm.export", "tool:export.*"]},
         "roles": {"analyst": {"permissions": [{"actions": ["read", "search"], "resources": ["tool:crm.*", "tool:kb.*"]},
                                               {"actions": ["export"], "resources": ["tool:crm.export"]}],
                               "sensitive": {"export": "require_approval"}}},
         "agents": {"support-bot": {"roles": ["analyst"]}},
         "rules": [
           {"rule_id": "bulk_export", "description": "Big exports need a second pair of eyes", "severity": "high",
            "when": "action eq \\"export\\" and context.records gt 1000", "action": "require_approval"},
           {"rule_id": "no_secrets_out", "severity": "critical",
            "when": "findings.categories contains \\"secret\\"\\nor context.destination matches \\"(?i)pastebin\\"\\n", "action": "deny"}],
         "approval": {"expires_in_seconds": 900}}
        """
    }

    @Test func yamlAndJSONReadToTheSamePackAndTheSameCanonicalBytes() throws {
        let fromYAML = try PackReader.read(Self.yaml)
        let fromJSON = try PackReader.read(Self.json)
        #expect(fromYAML == fromJSON)
        #expect(fromYAML.canonicalJSON.bytes == fromJSON.canonicalJSON.bytes)
        #expect(fromYAML.version == SemanticVersion("1.4.0-rc.1"))
        #expect(fromYAML.scope == .routes(["prod-chat", "prod-summary"]))
        #expect(fromYAML.approvalExpirySeconds == 900)
        #expect(fromYAML.rules.map(\.action) == [.requireApproval, .deny])
        // Canonical JSON reads back to the same pack.
        #expect(try PackReader.read(fromYAML.canonicalJSON.text) == fromYAML)
    }

    @Test func canonicalJSONIsSortedCompactAndEscapesOnlyWhatItMust() {
        let value = CanonicalJSON.object([
            "b": .array([.integer(-3), .bool(true)]), "a": .string("quote \" backslash \\ tab \t nul \u{1} é €"),
            "\u{E9}": .integer(1), "z": .object([:]),
        ])
        #expect(value.text == #"{"a":"quote \" backslash \\ tab \t nul \u0001 é €","b":[-3,true],"z":{},"é":1}"#)
    }

    static let badPacks: [(String, [(Int, Int, String, String)])] = [
        // A bad condition in the second rule's block scalar: its line, the bad token's column.
        ("""
        id: p
        version: 1.0.0
        rules:
          - rule_id: r1
            when: 'action eq "x"'
            action: deny
          - rule_id: r2
            when: |
              action eq "x"
              and context.n gt "ten"
            action: deny
        """, [(10, 24, "rules[1].when", "gt needs a number")]),
        ("""
        id: p
        version: 1.0.0
        rules:
          - rule_id: r1
            when: 'actoin eq "x"'
            action: deny
        """, [(5, 12, "rules[0].when", "unknown field 'actoin'")]),
        ("""
        id: p
        version: 1.0.0
        rules:
          - rule_id: r1
            when: "action eq \\"x\\" and nope"
            action: deny
        """, [(5, 32, "rules[0].when", "unknown field 'nope'")]),
        ("""
        id: p
        version: 1.0
        default_action: maybe
        colour: blue
        rules:
          - rule_id: r1
            when: action exists
        """, [(2, 10, "version", "'1.0' is not a semantic version"), (3, 17, "default_action", "'maybe' is not one of"),
              (4, 1, "colour", "unknown field 'colour'"), (6, 5, "rules[0].action", "a rule needs an action")]),
        ("""
        id: p
        version: 1.0.0
        rules:
          - rule_id: r1
            when: action exists
            action: deny
          - rule_id: r1
            when: action exists
            action: allow
        """, [(7, 5, "rules[1].rule_id", "rule id 'r1' is used twice")]),
        ("""
        id: p
        version: 1.0.0
        roles:
          viewer:
            permissions:
              - actions: [read]
            sensitive:
              export: allow
        """, [(6, 9, "roles.viewer.permissions[0].resources", "roles.viewer.permissions[0].resources is required"),
              (8, 15, "roles.viewer.sensitive.export", "no resource class 'export'")]),
        ("""
        id: p
        version: [1
        """, [(3, 1, "", "did not find expected")]),
        ("""
        {"id": "p", "version": "1.0.0",
         "rules": [{"rule_id": "r", "action": "deny", "when": "action eq 3"}]}
        """, [(2, 66, "rules[0].when", "action is a string: compare it with a")]),
    ]

    @Test(arguments: badPacks)
    func problemsNameTheirLineAndColumn(_ source: String, _ expected: [(Int, Int, String, String)]) {
        do {
            _ = try PackReader.read(source)
            Issue.record("the pack was accepted")
        } catch {
            #expect(error.problems.count == expected.count, "\(error)")
            for (problem, (line, column, path, message)) in zip(error.problems, expected) {
                #expect(problem.line == line && problem.column == column, "\(problem)")
                #expect(problem.path == path, "\(problem)")
                #expect(problem.message.hasPrefix(message), "\(problem)")
            }
        }
    }

    @Test func aliasesCannotMakeASmallPackHuge() {
        // A hundred actions, a hundred permissions using them, forty roles using those:
        // 800,000 strings from a few kilobytes of YAML.
        let actions = (0..<100).map { "\"a\($0)\"" }.joined(separator: ", ")
        var source = "id: p\nversion: 1.0.0\nroles:\n  r0:\n    permissions: &p\n"
        source += "      - &m {actions: &a [\(actions)], resources: *a}\n"
        source += String(repeating: "      - *m\n", count: 99)
        for role in 1..<40 { source += "  r\(role): {permissions: *p}\n" }
        do {
            _ = try PackReader.read(source)
            Issue.record("the pack was accepted")
        } catch {
            #expect(error.problems.contains { $0.message.contains("more than \(PackReader.maximumNodes) nodes") }, "\(error.problems.prefix(3))")
        }
    }

    @Test(arguments: [
        ("1.0.0", "1.0.1"), ("1.9.0", "1.10.0"), ("1.0.0-alpha", "1.0.0"), ("1.0.0-alpha", "1.0.0-alpha.1"), ("1.0.0-alpha.1", "1.0.0-beta"),
        ("1.0.0-beta.2", "1.0.0-beta.11"), ("1.0.0-rc.1", "1.0.0"), ("0.9.9", "1.0.0"),
    ])
    func versionsFollowSemverPrecedence(_ lower: String, _ higher: String) throws {
        let low = try #require(SemanticVersion(lower))
        let high = try #require(SemanticVersion(higher))
        #expect(low < high)
        #expect(!(high < low))
    }

    @Test func malformedVersionsAreRefused() {
        for text in ["1.0", "01.0.0", "1.0.0-", "1.0.0-01", "v1.0.0", "1.0.0.0", "1..0", "1.0.0+"] {
            #expect(SemanticVersion(text) == nil, "\(text)")
        }
        #expect(SemanticVersion("1.0.0+build.5")?.description == "1.0.0+build.5")
    }

    // MARK: Signatures

    @Test func aSignedPackVerifiesAndAnyEditBreaksIt() throws {
        let key = PackSigningKey(keyID: "policy-ci-2026")
        let trusted = TrustedPackKeys([key.verifyingKey])
        let pack = try PackReader.read(Self.yaml)
        let signature = try key.sign(pack)
        #expect(trusted.verify(pack, signature: signature) == .verified(keyID: "policy-ci-2026"))

        // The same pack written as JSON verifies with the signature made over the YAML.
        #expect(trusted.verify(try PackReader.read(Self.json), signature: signature).isVerified)

        var edited = pack
        edited.rules[1].action = .allow
        #expect(trusted.verify(edited, signature: signature) == .invalidSignature(keyID: "policy-ci-2026"))
        var widened = pack
        widened.roles["analyst"]?.sensitive["export"] = .allow
        #expect(trusted.verify(widened, signature: signature) == .invalidSignature(keyID: "policy-ci-2026"))

        let stranger = PackSigningKey(keyID: "someone-else")
        #expect(trusted.verify(pack, signature: try stranger.sign(pack)) == .unknownKey("someone-else"))
        // A stranger's signature presented under a trusted key id.
        var forged = try stranger.sign(pack)
        forged.keyID = "policy-ci-2026"
        #expect(trusted.verify(pack, signature: forged) == .invalidSignature(keyID: "policy-ci-2026"))
        #expect(trusted.verify(pack, signature: nil) == .unsigned)
    }

    @Test func signedPacksTravelAsJSONAndReadBack() throws {
        let key = PackSigningKey(keyID: "k1")
        let pack = try PackReader.read(Self.yaml)
        let document = SignedPack(pack: pack, signature: try key.sign(pack)).canonicalJSON.text
        let read = try PackReader.readSigned(document)
        #expect(read.pack == pack)
        #expect(TrustedPackKeys([key.verifyingKey]).verify(read.pack, signature: read.signature).isVerified)

        // Keys survive their files.
        let reloaded = try PackSigningKey(json: key.json)
        #expect(TrustedPackKeys([reloaded.verifyingKey]).verify(pack, signature: try key.sign(pack)).isVerified)
        let trustedFile = Data(CanonicalJSON.object(["keys": .array([key.verifyingKey.jsonObject])]).bytes)
        #expect(try TrustedPackKeys(json: trustedFile).verify(pack, signature: try reloaded.sign(pack)).isVerified)
    }
}

@Suite struct ExamplePackTests {
    @Test func everyExamplePackReadsAndCompiles() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../examples/packs").standardized
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".json") }
        #expect(!files.isEmpty)
        for file in files {
            let source = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            _ = try CompiledPack(PackReader.read(source))
        }
    }
}
