import PalisadeAuth
import Testing

/// The edge's caches: entries expire, a full cache still takes new ones, and a key that many
/// requests miss together is loaded once.
@Suite struct ExpiringCacheTests {
    @Test func entriesExpireAndAFullCacheStillTakesNewOnes() {
        let cache = ExpiringCache<String, Int>(lifetime: .seconds(10), capacity: 2)
        let start = ContinuousClock.now
        cache.store(1, for: "a", now: start)
        #expect(cache.value(for: "a", now: start + .seconds(9)) == 1)
        #expect(cache.value(for: "a", now: start + .seconds(11)) == nil)
        cache.store(2, for: "b", now: start)
        cache.store(3, for: "c", now: start)
        cache.store(4, for: "d", now: start)
        #expect(cache.value(for: "d", now: start) == 4, "a full cache still takes new entries")
        cache.remove("d")
        #expect(cache.value(for: "d", now: start) == nil)
    }

    @Test func requestsMissingTogetherShareOneLoad() async throws {
        let cache = ExpiringCache<String, Int>(lifetime: .seconds(60))
        let load = GatedLoad()
        let callers = Tally()
        let values = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<20 {
                group.addTask {
                    callers.add()
                    return try await cache.value(for: "key") { try await load.run(returning: 7) }
                }
            }
            // Every caller has arrived while the first load waits.
            try await waitUntil { callers.count == 20 && load.runs >= 1 }
            load.open()
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(values == Array(repeating: 7, count: 20))
        #expect(load.runs == 1, "one load for twenty callers")
        #expect(cache.value(for: "key") == 7)
    }

    @Test func aKeyRemovedWhileLoadingIsNotStoredFromThatLoad() async throws {
        let cache = ExpiringCache<String, Int>(lifetime: .seconds(60))
        let load = GatedLoad()
        let first = Task { try await cache.value(for: "key") { try await load.run(returning: 1) } }
        try await waitUntil { load.runs == 1 }
        // Revoked here while the lookup that began before it is still out.
        cache.remove("key")
        load.open()
        #expect(try await first.value == 1, "the caller waiting gets its answer")
        #expect(cache.value(for: "key") == nil, "but the cache does not keep it")
        #expect(try await cache.value(for: "key") { 2 } == 2)
    }

    @Test func aFailedLoadStoresNothingAndIsTriedAgain() async throws {
        struct Unreachable: Error {}
        let cache = ExpiringCache<String, Int>(lifetime: .seconds(60))
        await #expect(throws: Unreachable.self) { try await cache.value(for: "key") { throw Unreachable() } }
        #expect(cache.value(for: "key") == nil)
        #expect(try await cache.value(for: "key") { 3 } == 3)
    }
}
