import Logging
import PostgresNIO
import ServiceLifecycle

/// The service's connection pool, and the one way to touch tenant data: `withTenant`.
public final class Database: Service, Sendable {
    public let client: PostgresClient
    private let logger: Logger

    /// `backgroundLogger` receives the pool's own messages; one-shot commands quieten it, since
    /// the pool warns when the first lease races its `run()` starting.
    public init(configuration: DatabaseConfiguration, logger: Logger, backgroundLogger: Logger? = nil) {
        var config = PostgresClient.Configuration(
            host: configuration.host,
            port: configuration.port,
            username: configuration.username,
            password: configuration.password,
            database: configuration.database,
            tls: .disable
        )
        config.options.maximumConnections = configuration.maximumConnections
        config.options.minimumConnections = configuration.minimumConnections
        // No keep-alive pings: the pool would arm and cancel a timer on every lease, which cost
        // more CPU than the queries at a thousand requests a second. A connection Postgres
        // closes is noticed through the socket closing, not through a ping.
        config.options.keepAliveBehavior = nil
        config.options.connectTimeout = .seconds(5)
        self.client = PostgresClient(configuration: config, backgroundLogger: backgroundLogger ?? logger)
        self.logger = logger
    }

    /// Runs the pool until the service group shuts down.
    public func run() async throws {
        await cancelWhenGracefulShutdown {
            await self.client.run()
        }
    }

    /// Runs `body` in one transaction that first sets the tenant's claims with
    /// `set_config(..., true)`: transaction-local, so a pooled connection never carries one
    /// tenant's claims into another's work. Errors come back unwrapped (see `DatabaseFailure`).
    @discardableResult
    public func withTenant<Result>(
        _ scope: TenantScope,
        logger: Logger? = nil,
        isolation: isolated (any Actor)? = #isolation,
        _ body: (PostgresConnection) async throws -> sending Result
    ) async throws -> sending Result {
        let logger = logger ?? self.logger
        do {
            return try await client.withTransaction(logger: logger, isolation: isolation) { connection in
                try await Self.setClaims(scope, on: connection, logger: logger)
                return try await body(connection)
            }
        } catch let error as PostgresTransactionError {
            throw error.closureError ?? error.commitError ?? error.beginError ?? error
        }
    }

    /// Like `withTenant`, in a read-only REPEATABLE READ transaction: every query of `body`
    /// sees one snapshot (for walks over many pages that must agree with each other).
    public func withTenantSnapshot<Result>(
        _ scope: TenantScope,
        logger: Logger? = nil,
        isolation: isolated (any Actor)? = #isolation,
        _ body: (PostgresConnection) async throws -> sending Result
    ) async throws -> sending Result {
        let logger = logger ?? self.logger
        return try await client.withConnection { connection in
            try await connection.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", logger: logger)
            do {
                try await Self.setClaims(scope, on: connection, logger: logger)
                let result = try await body(connection)
                try await connection.query("COMMIT", logger: logger)
                return result
            } catch {
                _ = try? await connection.query("ROLLBACK", logger: logger)
                throw error
            }
        }
    }

    /// Transaction-local claims and request id: gone at COMMIT or ROLLBACK, never left on a
    /// pooled connection. The request id lets a slow query or a lock be traced to its request.
    private static func setClaims(_ scope: TenantScope, on connection: PostgresConnection, logger: Logger) async throws {
        let requestID = RequestTrace.requestID ?? ""
        try await connection.query(
            "SELECT set_config('request.jwt.claims', \(scope.claimsJSON), true), set_config('palisade.request_id', \(requestID), true)",
            logger: logger
        )
    }

    /// `SELECT 1` round trip, for readiness.
    public func checkReachable() async throws {
        try await client.query("SELECT 1", logger: logger)
    }
}

/// What Postgres said about a failed statement (PSQLError redacts its own description).
public struct DatabaseFailure: CustomStringConvertible {
    public let sqlState: String?
    public let message: String?

    public init?(_ error: any Error) {
        var error = error
        if let transaction = error as? PostgresTransactionError {
            error = transaction.closureError ?? transaction.commitError ?? transaction.beginError ?? error
        }
        guard let psql = error as? PSQLError else { return nil }
        sqlState = psql.serverInfo?[.sqlState]
        message = psql.serverInfo?[.message]
    }

    /// 42501: insufficient privilege, e.g. a row-level security WITH CHECK refused a row.
    public var isInsufficientPrivilege: Bool { sqlState == "42501" }

    public var description: String { "\(sqlState ?? "?????"): \(message ?? "no server message")" }
}
