import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Checks the due sources, at most `concurrency` at a time. Each check holds a slot of its own,
/// so a source slow to answer delays only itself (the poller used to wait for a whole batch);
/// free slots are filled every `interval`. Sources are claimed in the database first, so that
/// instances sharing it never check one source at once.
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
                                await checkOne(watcherID: watcherID, tenantID: tenantID)
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

    private func checkOne(watcherID: UUID, tenantID: UUID) async {
        do {
            try await check.run(watcherID: watcherID, tenantID: tenantID)
        } catch {
            logger.error("watcher check failed", metadata: [
                "tenant_id": "\(tenantID)", "watcher_id": "\(watcherID)", "error": "\(String(reflecting: error))",
            ])
        }
    }
}

/// The sources being checked now, so that a poll does not start a second check of one.
final class CheckingSources: Sendable {
    private let watchers = Mutex(Set<UUID>())

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
}
