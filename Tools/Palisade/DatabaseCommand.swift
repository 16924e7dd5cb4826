import ArgumentParser
import Foundation
import Logging
import PalisadeService
import PalisadeStore
import PostgresNIO

/// `palisade db bootstrap`: roles, base schema and service schemas (database administrator).
struct DatabaseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db",
        abstract: "Database administration.",
        subcommands: [Bootstrap.self]
    )

    struct Bootstrap: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create the base schema, each service's schema and its owner and runtime roles.",
            discussion: """
                Connects as PALISADE_DB_ADMIN_USER/PALISADE_DB_ADMIN_PASSWORD to PALISADE_DB_HOST, \
                PALISADE_DB_PORT, PALISADE_DB_NAME. Passwords of the roles come from \
                PALISADE_DB_OWNER_PASSWORD_<SERVICE> and PALISADE_DB_PASSWORD_<SERVICE>.
                """
        )

        func run() async throws {
            let environment = ProcessInfo.processInfo.environment
            var services: [ServiceDatabase] = []
            for descriptor in ServiceCatalog.all {
                let suffix = descriptor.name.uppercased()
                guard let owner = environment["PALISADE_DB_OWNER_PASSWORD_\(suffix)"],
                      let runtime = environment["PALISADE_DB_PASSWORD_\(suffix)"] else {
                    throw ValidationError("set PALISADE_DB_OWNER_PASSWORD_\(suffix) and PALISADE_DB_PASSWORD_\(suffix)")
                }
                services.append(ServiceDatabase(service: descriptor.name, schema: descriptor.schema, ownerPassword: owner, runtimePassword: runtime))
            }
            let bootstrap = try DatabaseBootstrap(services: services)
            var admin = DatabaseConfiguration.fromEnvironment(environment, service: "admin", role: .runtime)
            admin.username = environment["PALISADE_DB_ADMIN_USER"] ?? "postgres"
            admin.password = environment["PALISADE_DB_ADMIN_PASSWORD"]
            let logger = Logger(label: "palisade.db")
            var poolLogger = logger
            poolLogger.logLevel = .error
            let database = Database(configuration: admin, logger: logger, backgroundLogger: poolLogger)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await database.client.run() }
                defer { group.cancelAll() }
                try await database.client.withConnection { connection in
                    try await bootstrap.run(on: connection, logger: logger)
                }
            }
            print("database bootstrapped for \(services.count) services")
        }
    }
}
