import ArgumentParser
import Foundation
import PalisadeAuth
import PalisadeCrypto

/// `palisade keys generate`: a platform signing key and its public half, as files.
struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Platform token keys and the master key.",
        subcommands: [Generate.self, GenerateMaster.self]
    )

    struct Generate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write a new Ed25519 signing key and its public key.")

        @Option(help: "Key id written into every token's header.")
        var kid: String = "k1"

        @Option(help: "File for the private key (mode 0600).")
        var signingKeyFile: String

        @Option(help: "File for the public key (what services verify with).")
        var publicKeyFile: String

        func run() throws {
            let key = PlatformSigningKey.generate(kid: kid)
            _ = FileManager.default.createFile(atPath: signingKeyFile, contents: Data((key.encoded + "\n").utf8),
                                           attributes: [.posixPermissions: 0o600])
            try Data((key.verifyingKey.encoded + "\n").utf8).write(to: URL(fileURLWithPath: publicKeyFile))
            print("wrote signing key \(kid) to \(signingKeyFile) and its public key to \(publicKeyFile)")
        }
    }

    struct GenerateMaster: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "generate-master",
            abstract: "Write a new AES-256 master key (seals signing keys and tenants' data keys)."
        )

        @Option(help: "Key id stored beside everything the key seals.")
        var kid: String = "m1"

        @Option(help: "File for the key (mode 0600).")
        var file: String

        func run() throws {
            guard FileManager.default.createFile(atPath: file, contents: Data((MasterKey.generateEncoded(keyID: kid) + "\n").utf8),
                                                 attributes: [.posixPermissions: 0o600]) else {
                throw ValidationError("could not write \(file)")
            }
            print("wrote master key \(kid) to \(file)")
        }
    }
}
