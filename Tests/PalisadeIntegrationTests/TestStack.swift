import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import Synchronization
import PalisadeAuth
import PalisadeStore
import PostgresNIO
import Testing

/// What scripts/test prepared: a migrated Postgres, the dev broker, keys and role passwords.
struct TestEnvironment: Sendable {
    let values: [String: String]

    static func load() throws -> TestEnvironment {
        guard let path = ProcessInfo.processInfo.environment["PALISADE_TEST_ENV"] else {
            throw TestSetupError("PALISADE_TEST_ENV is not set: run the suite through scripts/test")
        }
        var values: [String: String] = [:]
        for line in try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n") {
            guard let equals = line.firstIndex(of: "=") else { continue }
            values[String(line[..<equals])] = String(line[line.index(after: equals)...])
        }
        return TestEnvironment(values: values)
    }

    subscript(_ key: String) -> String { values[key] ?? "" }

    /// The environment of one service process: its runtime role only.
    func serviceEnvironment(_ service: String, port: Int, extra: [String: String] = [:]) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        for key in ["PALISADE_DB_PORT", "PALISADE_KAFKA_BROKERS_FILE", "PALISADE_PLATFORM_PUBLIC_KEYS_FILE", "PALISADE_MIGRATIONS_DIR", "PALISADE_OPENAPI_FILE"] {
            environment[key] = self[key]
        }
        environment["PALISADE_DB_HOST"] = "127.0.0.1"
        environment["PALISADE_DB_USER"] = "palisade_\(service)_app"
        environment["PALISADE_DB_PASSWORD"] = self["PALISADE_DB_PASSWORD_\(service.uppercased())"]
        environment["PALISADE_HTTP_PORT"] = "\(port)"
        // Only the edge mints platform tokens.
        if service == "gateway" { environment["PALISADE_MASTER_KEY_FILE"] = self["PALISADE_MASTER_KEY_FILE"] }
        // Tests poll the API far faster than a tenant's default allowance; RateLimitTests sets its own.
        environment["PALISADE_RATE_LIMIT_PER_MINUTE"] = "10000000"
        environment.merge(extra) { _, new in new }
        return environment
    }

    func signingKey() throws -> PlatformSigningKey {
        try PlatformSigningKey(encoded: String(contentsOfFile: self["PALISADE_PLATFORM_SIGNING_KEY_FILE"], encoding: .utf8))
    }

    func token(tenant: UUID, capabilities: [String] = Capability.tenantAdministration, issuedAt: Date = Date(),
               subject: String = "user:test") async throws -> String {
        let claims = PlatformClaims(subject: subject, tenantID: tenant, roles: ["admin"], capabilities: capabilities, issuedAt: issuedAt)
        return try await PlatformTokenIssuer(signingKey: try signingKey()).mint(claims)
    }
}

/// Calls to the gateway's API as one credential.
struct APIClient: Sendable {
    let base: String
    let credential: String

    func get(_ path: String) async throws -> HTTP.Answer {
        try await HTTP.send(.GET, base + path, token: credential)
    }

    func delete(_ path: String) async throws -> HTTP.Answer {
        try await HTTP.send(.DELETE, base + path, token: credential)
    }

    func post(_ path: String, json: Any) async throws -> HTTP.Answer {
        try await HTTP.send(.POST, base + path, token: credential, contentType: "application/json",
                            body: try JSONSerialization.data(withJSONObject: json))
    }

    func patch(_ path: String, json: Any) async throws -> HTTP.Answer {
        try await HTTP.send(.PATCH, base + path, token: credential, contentType: "application/json",
                            body: try JSONSerialization.data(withJSONObject: json))
    }

    /// Deletes the tenant's SIEM destinations and alert channels. Every suite shares the broker
    /// and the consumer groups, so a later stack's consumers handle whatever records of this
    /// tenant are still in the topics: without targets, those cost them nothing.
    func removeDeliveryTargets() async throws {
        for (path, field, id) in [("/v1/siem/destinations", "destinations", "destination_id"), ("/v1/alert-channels", "channels", "channel_id")] {
            for item in try await get(path).json[field] as? [[String: Any]] ?? [] {
                if let value = item[id] as? String { _ = try await delete("\(path)/\(value)") }
            }
            #expect((try await get(path).json[field] as? [Any])?.isEmpty == true, "\(path)")
        }
    }

    /// The tenant's whole audit ledger (every page), oldest first, optionally only `kind`.
    func ledger(kind: String? = nil) async throws -> [[String: Any]] {
        var records: [[String: Any]] = []
        var after = 0
        while true {
            let page = try await get("/v1/audit?limit=1000&after=\(after)").json
            records += page["records"] as? [[String: Any]] ?? []
            guard let next = page["next_after"] as? Int else { break }
            after = next
        }
        return kind.map { kind in records.filter { $0["kind"] as? String == kind } } ?? records
    }

    /// A new API key of this credential's tenant; its text (`pal_…`).
    func createKey(name: String = "test key", capabilities: [String]? = nil, expiresAt: Date? = nil) async throws -> (id: String, key: String) {
        var body: [String: Any] = ["name": name]
        if let capabilities { body["capabilities"] = capabilities }
        if let expiresAt { body["expires_at"] = expiresAt.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true)) }
        let answer = try await post("/v1/api-keys", json: body)
        guard answer.status == 201, let id = answer.json["key_id"] as? String, let key = answer.json["key"] as? String else {
            throw TestSetupError("creating an API key answered \(answer.status): \(answer.text)")
        }
        return (id, key)
    }
}

struct TestSetupError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Each test stack gets ports of its own, so a stack still shutting down never collides.
enum TestPorts {
    private static let next = Atomic<Int>(18300)
    static func pair() -> (gateway: Int, ingest: Int) {
        let ports = block(2)
        return (ports[0], ports[1])
    }

    /// `count` consecutive ports no other caller gets: (old value, new value] of the counter.
    static func block(_ count: Int) -> [Int] {
        let end = next.add(count, ordering: .relaxed).newValue
        return Array((end - count + 1)...end)
    }
}

/// The gateway and a chosen set of services as child processes, the gateway told where each
/// service listens.
final class ServiceStack: @unchecked Sendable {
    // @unchecked Sendable: `processes` is written only in init and by `restart`, which tests
    // call from one task at a time.
    let environment: TestEnvironment
    private(set) var processes: [String: ServiceProcess] = [:]
    private let extra: [String: String]

    init(_ services: [String], environment: TestEnvironment, extra: [String: String] = [:]) async throws {
        self.environment = environment
        let ports = TestPorts.block(services.count + 1)
        var gatewayEnvironment = extra
        // Services verify the platform tokens the gateway mints with the keys it publishes.
        var extra = extra
        extra["PALISADE_PLATFORM_JWKS_URL"] = "http://127.0.0.1:\(ports[0])/.well-known/jwks.json"
        self.extra = extra
        for (service, port) in zip(services, ports.dropFirst()) {
            gatewayEnvironment["PALISADE_\(service.uppercased())_URL"] = "http://127.0.0.1:\(port)"
            processes[service] = try ServiceProcess(service, port: port, environment: environment, extra: extra)
        }
        processes["gateway"] = try ServiceProcess("gateway", port: ports[0], environment: environment, extra: gatewayEnvironment)
        for process in processes.values { try await process.waitUntilReady() }
    }

    var gatewayURL: String { processes["gateway"]?.baseURL ?? "" }

    /// For stacks whose tenants point alerts and SIEM at hosts that never answer: one short
    /// attempt, so a consumer is not busy retrying them long after the test.
    static let shortDeliveryBudget = [
        "PALISADE_SIEM_MAX_ATTEMPTS": "1", "PALISADE_SIEM_TIMEOUT_SECONDS": "1",
        "PALISADE_ALERT_MAX_ATTEMPTS": "1", "PALISADE_ALERT_TIMEOUT_SECONDS": "1",
    ]

    subscript(_ service: String) -> ServiceProcess? { processes[service] }

    /// SIGTERM one service (SIGKILL with `crashing`, so it cannot finish anything), wait for
    /// its exit, start it again on the same port, wait until ready.
    func restart(_ service: String, crashing: Bool = false) async throws {
        guard let process = processes[service] else { return }
        _ = try await crashing ? process.kill() : process.terminate()
        let replacement = try ServiceProcess(service, port: process.port, environment: environment, extra: extra)
        processes[service] = replacement
        try await replacement.waitUntilReady()
    }

    /// One more instance of `service`, on a port of its own, configured like the stack's but
    /// for `overrides` (the caller stops it).
    func startAnother(_ service: String, overrides: [String: String] = [:]) async throws -> ServiceProcess {
        let process = try ServiceProcess(service, port: TestPorts.block(1)[0], environment: environment,
                                         extra: extra.merging(overrides) { _, override in override })
        try await process.waitUntilReady()
        return process
    }

    func stop() async throws {
        for process in processes.values { _ = try await process.terminate() }
    }
}

/// A service binary run as a child process, as in production.
final class ServiceProcess: @unchecked Sendable {
    // @unchecked Sendable: `process` is only started in init and signalled/awaited afterwards;
    // Foundation's Process is safe for that use across threads.
    let service: String
    let port: Int
    private let process: Process

    init(_ service: String, port: Int, environment: TestEnvironment, extra: [String: String] = [:]) throws {
        self.service = service
        self.port = port
        process = Process()
        process.executableURL = URL(fileURLWithPath: "\(environment["PALISADE_TEST_BIN"])/palisade-\(service)")
        process.arguments = ["serve"]
        process.environment = environment.serviceEnvironment(service, port: port, extra: extra)
        let logPath = "\(environment["PALISADE_TEST_STATE"])/logs/test-\(service)-\(port).log"
        // Opening for writing below fails with a clear error if this did not create the file.
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        log.seekToEndOfFile()
        process.standardOutput = log
        process.standardError = log
        try process.run()
    }

    var baseURL: String { "http://127.0.0.1:\(port)" }

    /// A series from the service's `/metrics`: `name` alone is the first series of that metric,
    /// `name{labels}` the one with exactly those labels; nil when it has none.
    func metric(_ series: String) async throws -> Double? {
        let text = try await HTTP.send(.GET, baseURL + "/metrics").text
        let line = text.split(separator: "\n").first { $0.hasPrefix(series + " ") || $0.hasPrefix(series + "{") }
        return line?.split(separator: " ").last.flatMap { Double($0) }
    }

    /// Polls `/readyz` until it answers 200 or the deadline passes.
    func waitUntilReady(timeout: Duration = .seconds(60)) async throws {
        try await poll(timeout: timeout, what: "\(service) ready") {
            guard process.isRunning else { throw TestSetupError("\(service) exited with \(process.terminationStatus)") }
            let response = try? await HTTP.send(.GET, baseURL + "/readyz")
            return response?.status == 200
        }
    }

    /// SIGTERM, then wait for the process to exit on its own.
    func terminate() async throws -> Int32 {
        process.terminate()
        try await poll(timeout: .seconds(60), what: "\(service) exit") { !process.isRunning }
        return process.terminationStatus
    }

    /// SIGKILL, then wait for the exit.
    func kill() async throws -> Int32 {
        Foundation.kill(process.processIdentifier, SIGKILL)
        try await poll(timeout: .seconds(60), what: "\(service) killed") { !process.isRunning }
        return process.terminationStatus
    }

    deinit {
        if process.isRunning { process.terminate() }
    }
}

/// Repeats `check` until it returns true; fails at the deadline. Polling, never sleeping blind.
func poll(timeout: Duration, what: String, _ check: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + timeout
    // The check runs once more after the deadline, so that a test starved past it by a loaded
    // machine still sees what it waited for.
    while true {
        if try await check() { return }
        guard ContinuousClock.now < deadline else { break }
        try await Task.sleep(for: .milliseconds(50))
    }
    throw TestSetupError("timed out waiting for \(what)")
}

/// A small HTTP client over AsyncHTTPClient.
enum HTTP {
    struct Answer {
        var status: Int
        var headers: [String: String]
        var body: Data

        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    static func send(
        _ method: NIOHTTP1.HTTPMethod, _ url: String, token: String? = nil,
        contentType: String? = nil, body: Data? = nil, headers: [String: String] = [:]
    ) async throws -> Answer {
        var request = HTTPClientRequest(url: url)
        request.method = method
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let contentType { request.headers.add(name: "Content-Type", value: contentType) }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 64 << 20)
        var fields: [String: String] = [:]
        for header in response.headers { fields[header.name.lowercased()] = header.value }
        return Answer(status: Int(response.status.code), headers: fields, body: Data(buffer: bytes))
    }
}

/// Seed 001's runtime event with a chosen id.
func runtimeEvent(_ id: String, route: String = "prod-chat") -> [String: Any] {
    [
        "event_id": id, "route_id": route, "type": "runtime.request.completed", "timestamp": "2024-03-15T14:30:00Z",
        "payload": [
            "latency_ms": 1250, "tokens": ["input": 512, "output": 256], "cost": 0.0214,
            "model": "claude-3-opus", "provider": "anthropic",
        ] as [String: Any],
    ]
}

func jsonBody(_ events: [[String: Any]]) throws -> Data {
    try JSONSerialization.data(withJSONObject: events)
}

/// A direct SQL session as a service's runtime role, bypassing the application.
struct RuntimeRoleSession {
    let environment: TestEnvironment
    let service: String

    /// Runs `body` in one transaction of `client` under `scope`'s claims, as a service's
    /// `Database.withTenant` does (row-level security then sees that tenant).
    @discardableResult
    static func withTenant<Result: Sendable>(_ client: PostgresClient, _ scope: TenantScope,
                                             _ body: (PostgresConnection) async throws -> Result) async throws -> Result {
        let logger = Logger(label: "test.sql")
        return try await client.withTransaction(logger: logger) { connection in
            try await connection.query("SELECT set_config('request.jwt.claims', \(scope.claimsJSON), true)", logger: logger)
            return try await body(connection)
        }
    }

    /// A session as the cluster's administrator (a superuser: row-level security does not apply).
    static func administrator(_ environment: TestEnvironment) -> RuntimeRoleSession {
        RuntimeRoleSession(environment: environment, service: "", username: "postgres", password: environment["PALISADE_DB_ADMIN_PASSWORD"])
    }

    init(environment: TestEnvironment, service: String, username: String? = nil, password: String? = nil) {
        self.environment = environment
        self.service = service
        self.username = username ?? "palisade_\(service)_app"
        self.password = password ?? environment["PALISADE_DB_PASSWORD_\(service.uppercased())"]
    }

    let username: String
    let password: String

    @discardableResult
    func run<Result: Sendable>(_ body: @escaping @Sendable (PostgresClient) async throws -> Result) async throws -> Result {
        let configuration = PostgresClient.Configuration(
            host: "127.0.0.1", port: Int(environment["PALISADE_DB_PORT"]) ?? 5432,
            username: username, password: password,
            database: "palisade", tls: .disable
        )
        // The pool warns about every lease asked for before `run()` has started, which the task
        // group below cannot order (the body may run first); errors still show, as in `migrate`.
        var poolLogger = Logger(label: "test.sql")
        poolLogger.logLevel = .error
        let client = PostgresClient(configuration: configuration, backgroundLogger: poolLogger)
        return try await withThrowingTaskGroup(of: Result?.self) { group in
            group.addTask {
                await client.run()
                return nil
            }
            defer { group.cancelAll() }
            return try await body(client)
        }
    }
}
