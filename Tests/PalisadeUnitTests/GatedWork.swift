import Synchronization
import Testing

/// Polls `condition` until it holds, yielding in between; records an issue after five seconds.
func waitUntil(_ condition: () async -> Bool) async throws {
    let deadline = ContinuousClock.now + .seconds(5)
    while !(await condition()) {
        guard ContinuousClock.now < deadline else {
            Issue.record("condition not met within 5 s")
            return
        }
        await Task.yield()
    }
}

final class Tally: Sendable {
    private let value = Mutex(0)
    var count: Int { value.withLock { $0 } }
    func add() { value.withLock { $0 += 1 } }
}

/// Work that waits until opened, counting how many times it ran and how many runs were ever
/// inside it at once.
final class GatedLoad: Sendable {
    private struct State {
        var runs = 0
        var running = 0
        var mostAtOnce = 0
        var isOpen = false
        var waiting: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())

    var runs: Int { state.withLock { $0.runs } }
    var mostAtOnce: Int { state.withLock { $0.mostAtOnce } }

    /// Returns `value` once opened; a run's number (from 1) when `value` is nil.
    func run(returning value: Int? = nil) async throws -> Int {
        let number = state.withLock { state in
            state.runs += 1
            state.running += 1
            state.mostAtOnce = max(state.mostAtOnce, state.running)
            return state.runs
        }
        await withCheckedContinuation { continuation in
            let resumeNow = state.withLock { state in
                if state.isOpen { return true }
                state.waiting.append(continuation)
                return false
            }
            if resumeNow { continuation.resume() }
        }
        // A run still yields once inside, so that an overlapping one would show.
        await Task.yield()
        state.withLock { $0.running -= 1 }
        return value ?? number
    }

    func open() {
        let waiting = state.withLock { state in
            state.isOpen = true
            defer { state.waiting.removeAll() }
            return state.waiting
        }
        for continuation in waiting { continuation.resume() }
    }
}
