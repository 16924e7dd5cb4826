@testable import PalisadeService
import Testing

/// The outbox's per-tenant flushes: one run of a key at a time, callers arriving during a run
/// share the next one (and its outcome), and keys do not wait for each other.
@Suite struct CoalescedRunsTests {
    @Test func callersArrivingDuringARunShareTheNextAndRunsNeverOverlap() async throws {
        let runs = CoalescedRuns<String, Int>()
        let work = GatedLoad()
        let first = Task { await runs.run("tenant") { (try? await work.run()) ?? 0 } }
        try await waitUntil { work.runs == 1 }
        let outcomes = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<10 {
                group.addTask { await runs.run("tenant") { (try? await work.run()) ?? 0 } }
            }
            // Every caller waits behind the run that began before it arrived.
            try await waitUntil { await runs.waitingCount("tenant") == 10 }
            work.open()
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(await first.value == 1)
        #expect(outcomes == Array(repeating: 2, count: 10), "each later caller gets the run after the first")
        #expect(work.runs == 2)
        #expect(work.mostAtOnce == 1)
        #expect(await runs.waitingCount("tenant") == 0)
        #expect(await runs.run("tenant") { (try? await work.run()) ?? 0 } == 3, "a caller after the runs starts one")
    }

    @Test func aKeyDoesNotWaitForAnothersRun() async throws {
        let runs = CoalescedRuns<String, Int>()
        let blocked = GatedLoad()
        let other = Task { await runs.run("a") { (try? await blocked.run(returning: 1)) ?? 0 } }
        try await waitUntil { blocked.runs == 1 }
        #expect(await runs.run("b") { 2 } == 2)
        #expect(blocked.runs == 1 && blocked.mostAtOnce == 1, "a's run is still going")
        blocked.open()
        #expect(await other.value == 1)
    }
}
