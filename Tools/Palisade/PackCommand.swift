import ArgumentParser
import Foundation
import PalisadePolicy

/// `palisade pack`: policy as code. `lint` checks packs in CI (every problem with its line and
/// column), `keygen` makes a signing key, `sign` turns a pack into the signed JSON the policy
/// service accepts, `push` sends it (and may activate it).
struct PackCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pack",
        abstract: "Lint, sign and verify policy packs.",
        subcommands: [Lint.self, Keygen.self, Sign.self, Verify.self, Push.self]
    )

    static func source(_ path: String) throws -> String {
        let data = path == "-" ? FileHandle.standardInput.readDataToEndOfFile() : try Data(contentsOf: URL(fileURLWithPath: path))
        guard let text = String(data: data, encoding: .utf8) else { throw ValidationError("\(path) is not UTF-8") }
        return text
    }

    /// The signing key in `path`, or exit 1 naming what is wrong with it.
    static func signingKey(_ path: String) throws -> PackSigningKey {
        do {
            return try PackSigningKey(json: Data(contentsOf: URL(fileURLWithPath: path)))
        } catch let error as PackKeyError {
            throw fail("\(path): \(error.message)")
        }
    }

    /// The pack (signed or not) in `file`, compiled once to check it, or exit 1 with every problem.
    static func readChecked(_ file: String) throws -> SignedPack {
        do {
            let signed = try PackReader.readSigned(source(file))
            _ = try CompiledPack(signed.pack)
            return signed
        } catch let problems as PackProblems {
            throw fail(problems.problems.map { "\(file):\($0)" }.joined(separator: "\n"))
        }
    }

    static func fail(_ message: String) -> ExitCode {
        FileHandle.standardError.write(Data(message.utf8 + [0x0A]))
        return ExitCode(1)
    }

    struct Lint: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check packs (YAML or JSON): prints FILE:LINE:COLUMN: problem for each, exit 1 when any.")

        @Argument(help: "Pack files ('-' for standard input).")
        var files: [String]

        func run() throws {
            var failed = false
            for file in files {
                do {
                    let signed = try PackReader.readSigned(PackCommand.source(file))
                    _ = try CompiledPack(signed.pack)
                    print("\(file): ok (\(signed.pack.id) \(signed.pack.version), \(signed.pack.rules.count) rules, \(signed.pack.roles.count) roles)")
                } catch let problems as PackProblems {
                    failed = true
                    for problem in problems.problems { print("\(file):\(problem)") }
                }
            }
            if failed { throw ExitCode(1) }
        }
    }

    struct Keygen: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make an Ed25519 pack signing key: writes the private key file (mode 0600) and prints the public key to trust.")

        @Option(help: "The key's id, carried in every signature it makes.")
        var keyID: String

        @Option(help: "Where to write the private key.")
        var out: String

        func run() throws {
            guard PolicyPack.isName(keyID) else { throw ValidationError("--key-id: letters, digits and _ - . : (at most 128)") }
            guard !FileManager.default.fileExists(atPath: out) else { throw ValidationError("\(out) exists; refusing to overwrite a key") }
            let key = PackSigningKey(keyID: keyID)
            guard FileManager.default.createFile(atPath: out, contents: key.json, attributes: [.posixPermissions: 0o600]) else {
                throw ValidationError("cannot write \(out)")
            }
            print(key.verifyingKey.jsonObject.text)
        }
    }

    struct Sign: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Sign a pack: prints {\"pack\", \"signature\"} as canonical JSON, ready for the policy service.")

        @Argument(help: "The pack (YAML or JSON; '-' for standard input).")
        var file: String

        @Option(help: "The private key file from `palisade pack keygen`.")
        var key: String

        func run() throws {
            let signingKey = try PackCommand.signingKey(key)
            let pack = try PackCommand.readChecked(file).pack
            print(SignedPack(pack: pack, signature: try signingKey.sign(pack)).canonicalJSON.text)
        }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a signed pack against trusted keys ({\"keys\": [...]}): exit 0 only when its signature holds.")

        @Argument(help: "The signed pack.")
        var file: String

        @Option(help: "The trusted public keys file.")
        var trustedKeys: String

        func run() throws {
            let trusted: TrustedPackKeys
            do {
                trusted = try TrustedPackKeys(json: Data(contentsOf: URL(fileURLWithPath: trustedKeys)))
            } catch let error as PackKeyError {
                throw PackCommand.fail("\(trustedKeys): \(error.message)")
            }
            let signed: SignedPack
            do {
                signed = try PackReader.readSigned(PackCommand.source(file))
            } catch let problems as PackProblems {
                throw PackCommand.fail(problems.problems.map { "\(file):\($0)" }.joined(separator: "\n"))
            }
            switch trusted.verify(signed.pack, signature: signed.signature) {
            case .verified(let keyID): print("\(file): signed by \(keyID)")
            case .unsigned: throw PackCommand.fail("\(file): not signed")
            case .unknownKey(let keyID): throw PackCommand.fail("\(file): signed by \(keyID), which is not trusted")
            case .invalidSignature(let keyID): throw PackCommand.fail("\(file): the signature by \(keyID) does not match the pack (edited after signing?)")
            }
        }
    }

    struct Push: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send a pack to the policy service as a new version, optionally signing and activating it.",
            discussion: """
                The API key (capability policy:admin) comes from PALISADE_API_KEY or --api-key-file, never \
                from the command line. Pushing a version that exists with the same content changes nothing.
                """)

        @Argument(help: "The pack: YAML or JSON, bare or signed by `palisade pack sign` ('-' for standard input).")
        var file: String

        @Option(help: "Sign with this private key (from `palisade pack keygen`) before sending.")
        var key: String?

        @Option(help: "A file holding the API key.")
        var apiKeyFile: String?

        @Flag(help: "Activate the version once it is stored.")
        var activate = false

        @Option(help: "With --activate: enforce or shadow.")
        var mode: String = "enforce"

        @OptionGroup var options: GatewayOptions

        func run() async throws {
            guard PackMode(rawValue: mode) != nil else { throw ValidationError("--mode is enforce or shadow") }
            let apiKey = try Self.apiKey(file: apiKeyFile)
            var signed = try PackCommand.readChecked(file)
            if let key { signed.signature = try PackCommand.signingKey(key).sign(signed.pack) }
            let client = GatewayClient(base: options.gateway, token: apiKey)
            let stored = try await client.call(.POST, "/v1/policy-packs", json: Data(signed.canonicalJSON.bytes), expected: [200, 201])
            let version = signed.pack.version.description
            print("\(signed.pack.id) \(version): stored (digest \(stored["digest"] as? String ?? "?"), signed by \((stored["signed_by"] as? [String] ?? []).joined(separator: ", ")))")
            guard activate else { return }
            let body = try JSONSerialization.data(withJSONObject: ["version": version, "mode": mode])
            let changed = try await client.call(.POST, "/v1/policy-packs/\(signed.pack.id)/activate", json: body, expected: [200])
            print("\(signed.pack.id) \(version): active (\(mode)), tenant pack set revision \(changed["revision"] as? Int ?? 0)")
        }

        static func apiKey(file: String?) throws -> String {
            if let file {
                guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { throw ValidationError("cannot read \(file)") }
                return text.trimmingCharacters(in: .whitespacesAndNewlines)
            }
            guard let key = ProcessInfo.processInfo.environment["PALISADE_API_KEY"], !key.isEmpty else {
                throw ValidationError("set PALISADE_API_KEY or pass --api-key-file")
            }
            return key
        }
    }
}
