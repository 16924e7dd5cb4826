import Foundation
import Logging

/// Finds due sources and checks them, a few at a time; run every tick by a `PeriodicService`.
struct SourcePoller: Sendable {
    let store: SourceStore
    let check: SourceCheck
    let logger: Logger

    func pollOnce() async throws {
        let due = try await store.due(limit: 20, logger: logger)
        await withTaskGroup(of: Void.self) { group in
            for (tenantID, watcherID) in due {
                group.addTask {
                    do {
                        try await check.run(watcherID: watcherID, tenantID: tenantID)
                    } catch {
                        logger.error("watcher check failed", metadata: [
                            "tenant_id": "\(tenantID)", "watcher_id": "\(watcherID)", "error": "\(String(reflecting: error))",
                        ])
                    }
                }
            }
        }
    }
}
