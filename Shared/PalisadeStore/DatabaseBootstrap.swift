import Logging
import PostgresNIO

/// A service's schema and its two roles' passwords, for `DatabaseBootstrap`.
public struct ServiceDatabase: Sendable {
    public var service: String
    public var schema: String
    /// Secrets: never logged.
    public var ownerPassword: String
    public var runtimePassword: String

    public init(service: String, schema: String, ownerPassword: String, runtimePassword: String) {
        self.service = service
        self.schema = schema
        self.ownerPassword = ownerPassword
        self.runtimePassword = runtimePassword
    }
}

/// What only a database administrator may do, once per database: the base `palisade` schema
/// with `current_tenant()`, and per service an owner role, a runtime role that owns nothing
/// (NOSUPERUSER NOBYPASSRLS) and the schema with default grants. Idempotent.
public struct DatabaseBootstrap: Sendable {
    public let services: [ServiceDatabase]

    public init(services: [ServiceDatabase]) throws {
        for service in services where !(Identifier.isPlain(service.service) && Identifier.isPlain(service.schema)) {
            throw MigrationError.badIdentifier(service.schema)
        }
        self.services = services
    }

    /// Runs in one transaction, serialised by a transaction-scoped advisory lock.
    public func run(on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.withTransaction(logger: logger) { connection in
            try await apply(on: connection, logger: logger)
        }
    }

    private func apply(on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("SELECT pg_advisory_xact_lock(hashtext('palisade.bootstrap'))", logger: logger)
        for statement in SQLScript.statements(Self.baseSchema) {
            try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
        }
        for service in services {
            let owner = DatabaseRole.owner.defaultUsername(service: service.service)
            let runtime = DatabaseRole.runtime.defaultUsername(service: service.service)
            try await ensureRole(owner, password: service.ownerPassword, on: connection, logger: logger)
            try await ensureRole(runtime, password: service.runtimePassword, on: connection, logger: logger)
            // Identifiers passed Identifier.isPlain; passwords went through format(%L) server-side.
            let statements = [
                "CREATE SCHEMA IF NOT EXISTS \(service.schema) AUTHORIZATION \(owner)",
                "ALTER SCHEMA \(service.schema) OWNER TO \(owner)",
                "REVOKE ALL ON SCHEMA \(service.schema) FROM PUBLIC",
                "GRANT USAGE ON SCHEMA palisade TO \(owner), \(runtime)",
                "GRANT EXECUTE ON FUNCTION palisade.current_tenant() TO \(owner), \(runtime)",
                "GRANT USAGE ON SCHEMA \(service.schema) TO \(runtime)",
                "ALTER DEFAULT PRIVILEGES FOR ROLE \(owner) IN SCHEMA \(service.schema) GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO \(runtime)",
                "ALTER DEFAULT PRIVILEGES FOR ROLE \(owner) IN SCHEMA \(service.schema) GRANT USAGE, SELECT ON SEQUENCES TO \(runtime)",
            ]
            for statement in statements {
                try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
            }
            logger.info("database bootstrap", metadata: ["service": "\(service.service)", "schema": "\(service.schema)"])
        }
    }

    /// Creates the login role or resets its password; quoting happens in Postgres' format().
    private func ensureRole(_ role: String, password: String, on connection: PostgresConnection, logger: Logger) async throws {
        let exists = try await connection.query("SELECT 1 FROM pg_roles WHERE rolname = \(role)", logger: logger)
        var found = false
        for try await _ in exists { found = true }
        let verb = found ? "ALTER" : "CREATE"
        let rows = try await connection.query(
            "SELECT format('\(unescaped: verb) ROLE %I LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE PASSWORD %L', \(role)::text, \(password)::text)",
            logger: logger
        )
        var statement: String?
        for try await (text) in rows.decode(String.self) { statement = text }
        guard let statement else { return }
        try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
    }

    /// `current_tenant()` reads the verified claims of the current transaction; NULL (so zero
    /// rows) when none were set. `nullif` because a once-set setting reads '' afterwards.
    static let baseSchema = """
        CREATE SCHEMA IF NOT EXISTS palisade;
        REVOKE ALL ON SCHEMA palisade FROM PUBLIC;
        CREATE OR REPLACE FUNCTION palisade.current_tenant() RETURNS uuid
            LANGUAGE sql STABLE PARALLEL SAFE
            AS $$ SELECT (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'tenant_id')::uuid $$;
        REVOKE ALL ON FUNCTION palisade.current_tenant() FROM PUBLIC;
        REVOKE CREATE ON SCHEMA public FROM PUBLIC;
        """
}
