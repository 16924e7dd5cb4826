/// How to reach Postgres and as whom.
public struct DatabaseConfiguration: Sendable {
    public var host: String
    public var port: Int
    public var database: String
    public var username: String
    /// Secret: never logged.
    public var password: String?
    public var maximumConnections: Int
    /// Connections kept open while idle. The pool arms an idle timer each time it parks a
    /// connection above this number, so it should cover the steady load.
    public var minimumConnections: Int

    public init(host: String, port: Int, database: String, username: String, password: String?,
                maximumConnections: Int = 10, minimumConnections: Int = 2) {
        self.host = host
        self.port = port
        self.database = database
        self.username = username
        self.password = password
        self.maximumConnections = maximumConnections
        self.minimumConnections = min(minimumConnections, maximumConnections)
    }

    /// `PALISADE_DB_HOST` (127.0.0.1), `PALISADE_DB_PORT` (5432), `PALISADE_DB_NAME` (palisade),
    /// `PALISADE_DB_MAX_CONNECTIONS` (10), `PALISADE_DB_MIN_CONNECTIONS` (2),
    /// then the role: `PALISADE_DB_USER`/`PALISADE_DB_PASSWORD` for the runtime role, or
    /// `PALISADE_DB_OWNER_USER`/`PALISADE_DB_OWNER_PASSWORD` for migrations.
    public static func fromEnvironment(_ environment: [String: String], service: String, role: DatabaseRole) -> DatabaseConfiguration {
        let userKey = role == .runtime ? "PALISADE_DB_USER" : "PALISADE_DB_OWNER_USER"
        let passwordKey = role == .runtime ? "PALISADE_DB_PASSWORD" : "PALISADE_DB_OWNER_PASSWORD"
        return DatabaseConfiguration(
            host: environment["PALISADE_DB_HOST"] ?? "127.0.0.1",
            port: environment["PALISADE_DB_PORT"].flatMap(Int.init) ?? 5432,
            database: environment["PALISADE_DB_NAME"] ?? "palisade",
            username: environment[userKey] ?? role.defaultUsername(service: service),
            password: environment[passwordKey],
            maximumConnections: environment["PALISADE_DB_MAX_CONNECTIONS"].flatMap(Int.init) ?? 10,
            minimumConnections: environment["PALISADE_DB_MIN_CONNECTIONS"].flatMap(Int.init) ?? 2
        )
    }
}

/// Each service has two roles: the owner of its schema (migrations only) and a runtime login
/// role that owns nothing, so row-level security always applies to it.
public enum DatabaseRole: Sendable {
    case owner
    case runtime

    public func defaultUsername(service: String) -> String {
        switch self {
        case .owner: "palisade_\(service)_owner"
        case .runtime: "palisade_\(service)_app"
        }
    }
}
