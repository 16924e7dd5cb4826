import Foundation
import Synchronization
import Testing

/// Consumer restarts: two ingest instances share the consumer group; one is restarted while
/// posts keep arriving at the other, so partitions move between them mid-stream.
@Suite(.serialized) final class ConsumerRestartTests {
    @Test func eventsPostedWhileTheConsumerRestartsAreStoredExactlyOnce() async throws {
        let environment = try TestEnvironment.load()
        let ports = TestPorts.pair()
        let restartPort = TestPorts.pair().ingest
        var restarting = try ServiceProcess("ingest", port: restartPort, environment: environment)
        let steady = try ServiceProcess("ingest", port: ports.ingest, environment: environment)
        let gateway = try ServiceProcess("gateway", port: ports.gateway, environment: environment,
                                         extra: ["PALISADE_INGEST_URL": "http://127.0.0.1:\(ports.ingest)"])
        try await restarting.waitUntilReady()
        try await steady.waitUntilReady()
        try await gateway.waitUntilReady()

        let token = try await environment.token(tenant: UUID())
        let stop = StopSignal()
        async let streamed = postWithRepeats(token: token, to: gateway.baseURL, until: stop)

        try await poll(timeout: .seconds(60), what: "first events acknowledged") { stop.acknowledgedCount > 0 }
        #expect(try await restarting.terminate() == 0)
        restarting = try ServiceProcess("ingest", port: restartPort, environment: environment)
        try await restarting.waitUntilReady()
        // Keep posting until the restarted consumer has rejoined and taken its share.
        let target = stop.acknowledgedCount + 200
        try await poll(timeout: .seconds(60), what: "posts after the restart") { stop.acknowledgedCount >= target }
        stop.fire()
        let acknowledged = await streamed
        #expect(!acknowledged.isEmpty)

        let sentinel = "sentinel-\(UUID().uuidString.prefix(8))"
        #expect(try await EventsEndToEndTests.post([runtimeEvent(sentinel)], token: token, to: gateway.baseURL).status == 202)
        var stored: [String] = []
        try await poll(timeout: .seconds(60), what: "sentinel stored") {
            stored = try await listAll(token: token, from: gateway.baseURL)
            return stored.contains(sentinel)
        }
        var copies: [String: Int] = [:]
        for id in stored { copies[id, default: 0] += 1 }
        let missing = Set(acknowledged).filter { copies[$0] == nil }
        let duplicated = copies.filter { $0.value > 1 }.map(\.key)
        #expect(missing.isEmpty, "\(missing.count) acknowledged but not stored, e.g. \(missing.prefix(5))")
        #expect(duplicated.isEmpty, "stored more than once: \(duplicated.prefix(5))")

        _ = try await gateway.terminate()
        _ = try await steady.terminate()
        _ = try await restarting.terminate()
    }
}

/// Tells a posting loop to stop and counts what it got acknowledged so far.
final class StopSignal: Sendable {
    private let stopped = Atomic<Bool>(false)
    private let acknowledged = Atomic<Int>(0)
    func fire() { stopped.store(true, ordering: .releasing) }
    var isFired: Bool { stopped.load(ordering: .acquiring) }
    func count(_ added: Int) { acknowledged.add(added, ordering: .relaxed) }
    var acknowledgedCount: Int { acknowledged.load(ordering: .relaxed) }
}

/// Posts batches of 20 until told to stop; each batch repeats two ids of the batch before it,
/// so the same event arrives twice on both sides of a rebalance.
func postWithRepeats(token: String, to base: String, until stop: StopSignal) async -> [String] {
    var acknowledged: [String] = []
    var previous: [String] = []
    var batch = 0
    while !stop.isFired && batch < 5_000 {
        let ids = (0..<18).map { "r\(batch)-\($0)" } + previous.suffix(2)
        batch += 1
        guard let answer = try? await EventsEndToEndTests.post(ids.map { runtimeEvent($0) }, token: token, to: base),
              answer.status == 202 else { continue }
        acknowledged += ids
        previous = ids
        stop.count(ids.count)
    }
    return acknowledged
}

/// Every stored event id of the token's tenant, following `next_cursor` to the end.
func listAll(token: String, from base: String) async throws -> [String] {
    var ids: [String] = []
    var cursor: String?
    repeat {
        let query = "limit=1000" + (cursor.map { "&cursor=\($0)" } ?? "")
        let answer = try await HTTP.send(.GET, base + "/v1/events?\(query)", token: token)
        #expect(answer.status == 200, "GET /v1/events answered \(answer.status): \(answer.text.prefix(300))")
        ids += (answer.json["events"] as? [[String: Any]] ?? []).compactMap { $0["event_id"] as? String }
        cursor = answer.json["next_cursor"] as? String
    } while cursor != nil
    return ids
}
