import ArgumentParser

/// The `palisade` admin CLI.
@main
struct Palisade: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "palisade",
        abstract: "Administer a Palisade installation.",
        subcommands: [
            DevBrokerCommand.self, KeysCommand.self, TokenCommand.self, DatabaseCommand.self, TenantCommand.self,
            APIKeyCommand.self, UserCommand.self, RoleCommand.self, ScanCommand.self, ScanQualityCommand.self, PackCommand.self,
        ]
    )
}
