import Foundation
import Logging
import ServiceLifecycle

/// Looks for due sources every `tick` and checks them, a few at a time, until shutdown.
struct SourcePoller: Service {
    let store: SourceStore
    let check: SourceCheck
    let tick: Duration
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
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
                } catch {
                    logger.error("due sources not readable", metadata: ["error": "\(String(reflecting: error))"])
                }
                // The scheduler's period between scans for due sources.
                try? await Task.sleep(for: tick)
            }
        }
    }
}
