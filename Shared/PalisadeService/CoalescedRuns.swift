/// Runs a job one at a time per key, and lets the callers that arrive while a run is going
/// share the next run rather than queue one each. Every caller returns the outcome of a run
/// that started after it arrived, so whatever it committed before calling was in that run's view.
///
/// The outbox flushes a tenant's records this way: two flushes that overlap can otherwise send
/// an older record after a newer one, and compaction keeps a key's last record, not its
/// newest. Coalescing bounds what a slow run (a broker outage) costs a waiting caller to two
/// runs, however many callers pile up.
public actor CoalescedRuns<Key: Hashable & Sendable, Outcome: Sendable> {
    /// Present while a run of the key is going: the callers waiting for the next one.
    private var waiting: [Key: [CheckedContinuation<Outcome, Never>]] = [:]

    public init() {}

    /// Runs `job` for `key` now, or, when a run of `key` is going, waits for the run after it
    /// (which another caller's job, doing the same work, may perform) and returns its outcome.
    public func run(_ key: Key, _ job: @Sendable () async -> Outcome) async -> Outcome {
        if waiting[key] != nil {
            return await withCheckedContinuation { waiting[key, default: []].append($0) }
        }
        waiting[key] = []
        let outcome = await job()
        while let callers = waiting[key], !callers.isEmpty {
            waiting[key] = []
            let shared = await job()
            for caller in callers { caller.resume(returning: shared) }
        }
        waiting[key] = nil
        return outcome
    }

    /// How many callers wait for the next run of `key` (for tests).
    func waitingCount(_ key: Key) -> Int { waiting[key]?.count ?? 0 }
}
