import Foundation
import Logging
import PalisadeStore
import PostgresNIO

/// One service: its descriptor and how it builds its routes and consumers on a host.
public protocol ServiceDefinition {
    static var descriptor: ServiceDescriptor { get }
    static func serve(on host: ServiceHost) async throws
}

extension ServiceDefinition {
    /// `palisade-<name> [serve]` runs the service; `palisade-<name> migrate` applies its
    /// migrations as the schema owner and exits.
    public static func main() async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        let settings = ServiceSettings(descriptor: descriptor)
        do {
            switch arguments.first ?? "serve" {
            case "serve":
                try await serve(on: try await ServiceHost(settings: settings))
            case "migrate":
                try await migrate(settings: settings)
            case "-h", "--help", "help":
                print("""
                    usage: \(descriptor.executable) [serve|migrate]
                      serve    run the service (default); configuration from PALISADE_* variables
                      migrate  apply migrations/\(descriptor.name)/*.sql as \(DatabaseRole.owner.defaultUsername(service: descriptor.name))
                    """)
            default:
                FileHandle.standardError.write(Data("unknown command '\(arguments[0])'; try --help\n".utf8))
                exit(64)
            }
        } catch {
            FileHandle.standardError.write(Data("\(descriptor.executable): \(error)\n".utf8))
            exit(1)
        }
    }

    static func migrate(settings: ServiceSettings) async throws {
        _ = Observability.bootstrap(service: descriptor.name, level: settings.logLevel, format: settings.logFormat)
        let logger = Logger(label: "\(descriptor.executable).migrate")
        let migrations = try Migration.load(from: settings.migrationsDirectory)
        let runner = try MigrationRunner(
            service: descriptor.name, schema: descriptor.schema, migrations: migrations,
            runtimeRole: settings.database(role: .runtime).username
        )
        var poolLogger = logger
        poolLogger.logLevel = .error
        let database = Database(configuration: settings.database(role: .owner), logger: logger, backgroundLogger: poolLogger)
        let applied = try await withThrowingTaskGroup(of: [String]?.self) { group in
            group.addTask {
                await database.client.run()
                return nil
            }
            defer { group.cancelAll() }
            return try await runner.run(on: database.client, logger: logger)
        }
        logger.info("migrations up to date", metadata: ["applied": "\(applied.count)", "known": "\(migrations.count)"])
    }
}
