import Crypto
import Foundation
import Logging
import PostgresNIO

/// One `NNNN_name.sql` file of a service's migrations.
public struct Migration: Sendable, Equatable {
    public let version: Int
    public let name: String
    public let sql: String

    /// SHA-256 of the file's bytes: an applied file must never change.
    public var checksum: String {
        SHA256.hash(data: Data(sql.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// Every `NNNN_name.sql` in `directory`, by version; refuses duplicates and stray names.
    public static func load(from directory: URL) throws -> [Migration] {
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasSuffix(".sql") }
        var migrations: [Migration] = []
        for name in names {
            let stem = name.dropLast(4)
            guard let underscore = stem.firstIndex(of: "_"),
                  stem.distance(from: stem.startIndex, to: underscore) == 4,
                  let version = Int(stem[..<underscore]) else {
                throw MigrationError.badFileName(name)
            }
            let sql = try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
            migrations.append(Migration(version: version, name: name, sql: sql))
        }
        migrations.sort { $0.version < $1.version }
        for (earlier, later) in zip(migrations, migrations.dropFirst()) where earlier.version == later.version {
            throw MigrationError.duplicateVersion(later.version)
        }
        return migrations
    }
}

public enum MigrationError: Error, CustomStringConvertible, Equatable {
    case badFileName(String)
    case duplicateVersion(Int)
    case edited(String)
    case missing(String)
    case badIdentifier(String)
    case failed(String, String)

    public var description: String {
        switch self {
        case .badFileName(let name): "migration file '\(name)' is not named NNNN_name.sql"
        case .duplicateVersion(let version): "two migration files have version \(version)"
        case .edited(let name): "applied migration '\(name)' was edited after it ran; add a new migration instead"
        case .missing(let name): "applied migration '\(name)' no longer exists"
        case .badIdentifier(let name): "'\(name)' is not a plain SQL identifier"
        case .failed(let name, let reason): "migration '\(name)' failed: \(reason)"
        }
    }
}

/// Applies a service's migrations to its schema, as the schema's owner.
///
/// Idempotent: applied files are skipped. Serialised across processes by an advisory lock.
/// Each file runs in its own transaction with its checksum recorded.
public struct MigrationRunner: Sendable {
    public let service: String
    public let schema: String
    public let migrations: [Migration]
    /// The runtime role, which default privileges would otherwise let touch the ledger.
    public let runtimeRole: String

    public init(service: String, schema: String, migrations: [Migration], runtimeRole: String) throws {
        for name in [service, schema, runtimeRole] where !Identifier.isPlain(name) {
            throw MigrationError.badIdentifier(name)
        }
        self.service = service
        self.schema = schema
        self.migrations = migrations
        self.runtimeRole = runtimeRole
    }

    /// Returns the names of the files it applied now.
    public func run(on client: PostgresClient, logger: Logger) async throws -> [String] {
        try await client.withConnection { connection in
            let lockKey = "palisade.migrate.\(service)"
            try await connection.query("SELECT pg_advisory_lock(hashtext(\(lockKey)))", logger: logger)
            do {
                let applied = try await apply(on: connection, logger: logger)
                try await connection.query("SELECT pg_advisory_unlock(hashtext(\(lockKey)))", logger: logger)
                return applied
            } catch {
                _ = try? await connection.query("SELECT pg_advisory_unlock(hashtext(\(lockKey)))", logger: logger)
                throw error
            }
        }
    }

    private func apply(on connection: PostgresConnection, logger: Logger) async throws -> [String] {
        // `schema` passed Identifier.isPlain, so interpolating it as an identifier is safe.
        let table = "\(schema).schema_migrations"
        try await connection.query(PostgresQuery(unsafeSQL: """
            CREATE TABLE IF NOT EXISTS \(table) (
                version integer PRIMARY KEY,
                name text NOT NULL,
                checksum text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            )
            """), logger: logger)
        try await connection.query(PostgresQuery(unsafeSQL: "REVOKE ALL ON \(table) FROM PUBLIC, \(runtimeRole)"), logger: logger)
        var recorded: [Int: (name: String, checksum: String)] = [:]
        let rows = try await connection.query(PostgresQuery(unsafeSQL: "SELECT version, name, checksum FROM \(table)"), logger: logger)
        for try await (version, name, checksum) in rows.decode((Int, String, String).self) {
            recorded[version] = (name, checksum)
        }
        let byVersion = Dictionary(uniqueKeysWithValues: migrations.map { ($0.version, $0) })
        for (version, entry) in recorded {
            guard let migration = byVersion[version] else { throw MigrationError.missing(entry.name) }
            guard migration.checksum == entry.checksum else { throw MigrationError.edited(entry.name) }
        }
        var applied: [String] = []
        for migration in migrations where recorded[migration.version] == nil {
            do {
                try await connection.withTransaction(logger: logger) { connection in
                    // Migrations name the runtime role through this setting (it is configurable).
                    try await connection.query("SELECT set_config('palisade.runtime_role', \(runtimeRole), true)", logger: logger)
                    for statement in SQLScript.statements(migration.sql) {
                        try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                    }
                    var insert = PostgresQuery(unsafeSQL: "INSERT INTO \(table) (version, name, checksum) VALUES ($1, $2, $3)")
                    insert.binds.append(migration.version)
                    insert.binds.append(migration.name)
                    insert.binds.append(migration.checksum)
                    try await connection.query(insert, logger: logger)
                }
            } catch {
                throw MigrationError.failed(migration.name, DatabaseFailure(error)?.description ?? String(describing: error))
            }
            logger.info("migration applied", metadata: ["service": "\(service)", "migration": "\(migration.name)"])
            applied.append(migration.name)
        }
        return applied
    }
}

/// Names Palisade puts into SQL text itself (schemas, roles) must be plain identifiers.
public enum Identifier {
    public static func isPlain(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || ("a"..."z").contains(first) else { return false }
        return name.count <= 63 && name.unicodeScalars.allSatisfy { $0 == "_" || ("a"..."z").contains($0) || ("0"..."9").contains($0) }
    }
}
