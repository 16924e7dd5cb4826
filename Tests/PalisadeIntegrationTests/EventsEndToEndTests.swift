import Foundation
import Logging
import PalisadeStore
import PostgresNIO
import Testing

/// Gateway and ingest as real processes, on Postgres and the dev broker. Serialized: some
/// tests restart ingest.
@Suite(.serialized) final class EventsEndToEndTests {
    let ingestPort: Int
    let environment: TestEnvironment
    var ingest: ServiceProcess
    let gateway: ServiceProcess

    init() async throws {
        environment = try TestEnvironment.load()
        let ports = TestPorts.pair()
        ingestPort = ports.ingest
        ingest = try ServiceProcess("ingest", port: ports.ingest, environment: environment)
        gateway = try ServiceProcess("gateway", port: ports.gateway, environment: environment,
                                     extra: ["PALISADE_INGEST_URL": "http://127.0.0.1:\(ports.ingest)"])
        try await ingest.waitUntilReady()
        try await gateway.waitUntilReady()
    }

    func stop() async throws {
        _ = try await gateway.terminate()
        _ = try await ingest.terminate()
    }

    func post(_ events: [[String: Any]], token: String) async throws -> HTTP.Answer {
        try await Self.post(events, token: token, to: gateway.baseURL)
    }

    static func post(_ events: [[String: Any]], token: String, to base: String) async throws -> HTTP.Answer {
        try await HTTP.send(.POST, base + "/v1/events", token: token, contentType: "application/json", body: try jsonBody(events))
    }

    /// The tenant's stored event ids, read back through the gateway.
    func storedIDs(token: String, query: String = "limit=1000") async throws -> [String] {
        let answer = try await HTTP.send(.GET, gateway.baseURL + "/v1/events?\(query)", token: token)
        #expect(answer.status == 200, "GET /v1/events answered \(answer.status): \(answer.text)")
        let events = answer.json["events"] as? [[String: Any]] ?? []
        return events.compactMap { $0["event_id"] as? String }
    }

    /// Every stored id of the tenant, following `next_cursor` to the end.
    func allStoredIDs(token: String) async throws -> [String] {
        try await listAll(token: token, from: gateway.baseURL)
    }

    /// Records of one tenant share a partition, so once a sentinel posted last is stored,
    /// everything acknowledged before it has been handled by the consumer.
    func waitForSentinel(token: String) async throws {
        let sentinel = "sentinel-\(UUID().uuidString.prefix(8))"
        let answer = try await post([runtimeEvent(sentinel)], token: token)
        #expect(answer.status == 202)
        try await poll(timeout: .seconds(60), what: "sentinel \(sentinel) stored") {
            try await storedIDs(token: token).contains(sentinel)
        }
    }

    @Test func eventPostedTwiceIsStoredOnceAndListed() async throws {
        let token = try await environment.token(tenant: UUID())
        for _ in 0..<2 {
            let answer = try await post([runtimeEvent("evt-twice")], token: token)
            #expect(answer.status == 202)
            #expect(answer.json["accepted"] as? [String] == ["evt-twice"])
            #expect(answer.headers["x-request-id"]?.isEmpty == false)
        }
        try await waitForSentinel(token: token)
        let ids = try await storedIDs(token: token)
        #expect(ids.filter { $0 == "evt-twice" }.count == 1)
        let filtered = try await storedIDs(token: token, query: "route_id=nope")
        #expect(filtered.isEmpty)
        try await stop()
    }

    @Test func paginationWalksEveryEventOnce() async throws {
        let token = try await environment.token(tenant: UUID())
        let ids = (0..<25).map { "page-\($0)" }
        #expect(try await post(ids.map { runtimeEvent($0) }, token: token).status == 202)
        try await waitForSentinel(token: token)
        var seen: [String] = []
        var cursor: String?
        repeat {
            let query = "limit=7" + (cursor.map { "&cursor=\($0)" } ?? "")
            let answer = try await HTTP.send(.GET, gateway.baseURL + "/v1/events?\(query)", token: token)
            #expect(answer.status == 200)
            seen += (answer.json["events"] as? [[String: Any]] ?? []).compactMap { $0["event_id"] as? String }
            cursor = answer.json["next_cursor"] as? String
        } while cursor != nil
        #expect(seen.count == 26)
        #expect(Set(seen).isSuperset(of: ids))
        try await stop()
    }

    @Test func tenantsNeverSeeEachOthersEvents() async throws {
        let tenantA = UUID(), tenantB = UUID()
        let tokenA = try await environment.token(tenant: tenantA)
        let tokenB = try await environment.token(tenant: tenantB)
        #expect(try await post([runtimeEvent("evt-of-a")], token: tokenA).status == 202)
        try await waitForSentinel(token: tokenA)
        #expect(try await storedIDs(token: tokenA).contains("evt-of-a"))
        #expect(try await storedIDs(token: tokenB).isEmpty)

        // Bypassing the application: the runtime role itself, with B's claims or none.
        let session = RuntimeRoleSession(environment: environment, service: "ingest")
        let outcome = try await session.run { client in
            let logger = Logger(label: "test")
            let asB = TenantScope(tenantID: tenantB, subject: "x", roles: [])
            let withB = try await RuntimeRoleSession.withTenant(client, asB) { connection in
                try await Self.count(connection, tenantA)
            }
            let withNone = try await client.withConnection { connection in
                try await Self.count(connection, tenantA)
            }
            var refusal: String?
            do {
                try await RuntimeRoleSession.withTenant(client, asB) { connection in
                    try await connection.query("""
                        INSERT INTO events.events (tenant_id, event_id, kind, type, occurred_at, received_at, body)
                        VALUES (\(tenantA), 'forged', 'runtime', 'runtime.x', now(), now(), '{}')
                        """, logger: logger)
                }
            } catch {
                refusal = DatabaseFailure(error)?.sqlState
            }
            return (withB, withNone, refusal)
        }
        #expect(outcome.0 == 0)
        #expect(outcome.1 == 0)
        #expect(outcome.2 == "42501")
        try await stop()
    }

    static func count(_ connection: PostgresConnection, _ tenant: UUID) async throws -> Int {
        let rows = try await connection.query("SELECT count(*)::int FROM events.events WHERE tenant_id = \(tenant)", logger: Logger(label: "test"))
        for try await count in rows.decode(Int.self) { return count }
        return -1
    }

    @Test func badInputGetsTheRightProblem() async throws {
        let tenant = UUID()
        let token = try await environment.token(tenant: tenant)
        let url = gateway.baseURL + "/v1/events"

        let malformed = try await HTTP.send(.POST, url, token: token, contentType: "application/json", body: Data("[{".utf8))
        #expect(malformed.status == 400)
        #expect(malformed.headers["content-type"] == "application/problem+json")
        #expect(malformed.json["request_id"] as? String == malformed.headers["x-request-id"])

        let tooMany = try await post((0...1000).map { runtimeEvent("big-\($0)") }, token: token)
        #expect(tooMany.status == 413)

        let wrongType = try await HTTP.send(.POST, url, token: token, contentType: "text/plain", body: Data("hello".utf8))
        #expect(wrongType.status == 415)

        var invalid = runtimeEvent("evt-bad")
        invalid["timestamp"] = "yesterday"
        let unprocessable = try await post([runtimeEvent("evt-good"), invalid], token: token)
        #expect(unprocessable.status == 422)
        let errors = unprocessable.json["errors"] as? [[String: Any]] ?? []
        #expect(errors.contains { $0["index"] as? Int == 1 && $0["field"] as? String == "timestamp" })

        let expired = try await environment.token(tenant: tenant, issuedAt: Date().addingTimeInterval(-3600))
        #expect(try await post([runtimeEvent("e")], token: expired).status == 401)
        let parts = token.split(separator: ".")
        #expect(try await post([runtimeEvent("e")], token: "eyJhbGciOiJub25lIn0.\(parts[1]).").status == 401)
        let forged = try await PlatformTokenIssuerFactory.forged(tenant: tenant)
        #expect(try await post([runtimeEvent("e")], token: forged).status == 401)
        #expect(try await HTTP.send(.POST, url, contentType: "application/json", body: Data("[]".utf8)).status == 401)

        let echoed = try await HTTP.send(.GET, gateway.baseURL + "/nowhere", headers: ["X-Request-Id": "trace-me-1"])
        #expect(echoed.status == 404)
        #expect(echoed.headers["x-request-id"] == "trace-me-1")
        #expect(try await HTTP.send(.DELETE, gateway.baseURL + "/healthz").status == 405)

        // Nothing of a refused batch reached storage.
        try await waitForSentinel(token: token)
        let stored = try await storedIDs(token: token)
        #expect(!stored.contains("evt-good"))
        #expect(!stored.contains("big-0"))
        try await stop()
    }

    @Test func sigtermDuringPostsLosesNoAcknowledgedEvent() async throws {
        let tenant = UUID()
        let token = try await environment.token(tenant: tenant)
        let ingestURL = ingest.baseURL
        // The consumer is in its group before the stream starts, so the stream is still running
        // when ingest stops (and the dev broker, which keeps only a few MiB a partition, holds
        // everything posted until it is consumed).
        try await waitForSentinel(token: token)
        async let streamed = postUntilRefused(token: token, to: ingestURL)
        // Let a few batches through, then stop ingest mid-stream.
        try await poll(timeout: .seconds(60), what: "first streamed events stored") {
            try await storedIDs(token: token).contains { $0.hasPrefix("s") && !$0.hasPrefix("sentinel") }
        }
        let status = try await ingest.terminate()
        #expect(status == 0)
        let acknowledged = await streamed
        #expect(!acknowledged.isEmpty)

        ingest = try ServiceProcess("ingest", port: ingestPort, environment: environment)
        try await ingest.waitUntilReady()
        try await waitForSentinel(token: token)
        let stored = Set(try await allStoredIDs(token: token))
        let missing = acknowledged.filter { !stored.contains($0) }
        if !missing.isEmpty {
            let total = try await RuntimeRoleSession.administrator(environment).run { client in
                var count = 0
                for try await n in try await client.query("SELECT count(*)::int FROM events.events WHERE tenant_id = \(tenant)").decode(Int.self) { count = n }
                return count
            }
            Issue.record("\(missing.count) of \(acknowledged.count) acknowledged but not listed (listed \(stored.count), table holds \(total)), e.g. \(missing.prefix(5))")
        }
        try await stop()
    }
}

import PalisadeAuth

enum PlatformTokenIssuerFactory {
    /// A well-formed token signed by a key the services do not trust, under a trusted kid.
    static func forged(tenant: UUID) async throws -> String {
        let environment = try TestEnvironment.load()
        let trusted = try environment.signingKey()
        let impostor = PlatformSigningKey.generate(kid: trusted.kid)
        let claims = PlatformClaims(subject: "user:mallory", tenantID: tenant, roles: [], capabilities: ["events:write"])
        return try await PlatformTokenIssuer(signingKey: impostor).mint(claims)
    }
}

/// Posts batches of 20 until the service stops answering 202; returns what it acknowledged.
func postUntilRefused(token: String, to base: String) async -> [String] {
    var acknowledged: [String] = []
    for batch in 0..<400 {
        let ids = (0..<20).map { "s\(batch)-\($0)" }
        guard let answer = try? await EventsEndToEndTests.post(ids.map { runtimeEvent($0) }, token: token, to: base) else { break }
        if answer.status == 202 { acknowledged += ids } else { break }
    }
    return acknowledged
}
