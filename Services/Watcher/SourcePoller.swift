import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Checks the due sources, at most `concurrency` at a time. Each check holds a slot of its own,
/// so a source slow to answer delays only itself (the poller used to wait for a whole batch);
/// free slots are filled every `interval`. Sources are claimed in the database first, so that
/// instances sharing it never check one source at once; checks a shutdown interrupts hand
/// their claims back, so another instance checks those sources now rather than when the
/// claims run out.
struct SourcePoller: Service {
    let store: SourceStore
    let check: SourceCheck
    let concurrency: Int
    let interval: Duration
    let logger: Logger

    func run() async throws {
        let checking = CheckingSources()
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                while !Task.isCancelled {
                    do {
                        for (tenantID, watcherID) in try await claimDue(checking) {
                            group.addTask {
                                defer { checking.release(watcherID) }
                                await checkOne(watcherID: watcherID, tenantID: tenantID, checking: checking)
                            }
                        }
                    } catch where !Task.isCancelled {
                        logger.error("watcher poll failed; next attempt in \(interval)", metadata: ["error": "\(String(reflecting: error))"])
                    } catch {
                        return
                    }
                    try? await Task.sleep(for: interval)
                }
            }
        }
        // Every check has stopped; the database closes only after this service has returned.
        await handBack(checking.takeInterrupted())
    }

    /// Ends the claims of checks the shutdown interrupted. Best effort: a claim left behind
    /// runs out on its own.
    private func handBack(_ interrupted: [(tenantID: UUID, watcherID: UUID)]) async {
        guard !interrupted.isEmpty else { return }
        do {
            try await store.releaseClaims(interrupted, logger: logger)
            logger.info("claims of checks interrupted by shutdown handed back", metadata: ["count": "\(interrupted.count)"])
        } catch {
            logger.warning("claims of checks interrupted by shutdown not handed back; they run out on their own",
                           metadata: ["count": "\(interrupted.count)", "error": "\(String(reflecting: error))"])
        }
    }

    /// Due sources no instance is checking, as many as there are free slots, claimed in the
    /// database (for the fetch timeout and `claimMargin`) and marked as being checked here.
    private func claimDue(_ checking: CheckingSources) async throws -> [(tenantID: UUID, watcherID: UUID)] {
        let free = concurrency - checking.count
        guard free > 0 else { return [] }
        let due = try await store.claimDue(limit: free, claimFor: check.fetchTimeout + Self.claimMargin, logger: logger)
        return checking.claim(due, upTo: free)
    }

    /// How long a claim outlasts the fetch timeout: time to store what the check saw and
    /// publish its change. A check that fails without recording anything (the database
    /// unreachable) leaves its source claimed this long, which is also its back-off.
    static let claimMargin: Duration = .seconds(30)

    private func checkOne(watcherID: UUID, tenantID: UUID, checking: CheckingSources) async {
        do {
            try await check.run(watcherID: watcherID, tenantID: tenantID)
        } catch where Task.isCancelled {
            checking.interrupted(tenantID: tenantID, watcherID: watcherID)
        } catch {
            logger.error("watcher check failed", metadata: [
                "tenant_id": "\(tenantID)", "watcher_id": "\(watcherID)", "error": "\(String(reflecting: error))",
            ])
        }
    }
}

/// The sources being checked now, so that a poll does not start a second check of one, and
/// those whose check the shutdown interrupted.
final class CheckingSources: Sendable {
    private let watchers = Mutex(Set<UUID>())
    private let interruptedSources = Mutex([(tenantID: UUID, watcherID: UUID)]())

    var count: Int { watchers.withLock { $0.count } }

    /// Marks at most `limit` of `due` that are not being checked, and returns them.
    func claim(_ due: [(tenantID: UUID, watcherID: UUID)], upTo limit: Int) -> [(tenantID: UUID, watcherID: UUID)] {
        watchers.withLock { watchers in
            var claimed: [(tenantID: UUID, watcherID: UUID)] = []
            for source in due where claimed.count < limit && watchers.insert(source.watcherID).inserted {
                claimed.append(source)
            }
            return claimed
        }
    }

    func release(_ watcherID: UUID) {
        _ = watchers.withLock { $0.remove(watcherID) }
    }

    func interrupted(tenantID: UUID, watcherID: UUID) {
        interruptedSources.withLock { $0.append((tenantID, watcherID)) }
    }

    func takeInterrupted() -> [(tenantID: UUID, watcherID: UUID)] {
        interruptedSources.withLock { interrupted in
            defer { interrupted.removeAll() }
            return interrupted
        }
    }
}
