import Foundation
import Synchronization

/// Wakes requests waiting on an approval when this instance resolves it. An approval resolved
/// by another instance is noticed by the waiter's next read (see `ApprovalRoutes.wait`), so a
/// signal only shortens the wait, it is never needed for correctness.
final class ApprovalSignals: Sendable {
    /// Each waiter's continuation, resumed exactly once: whoever removes it resumes it.
    private let waiters = Mutex<[UUID: [UUID: CheckedContinuation<Void, Never>]]>([:])

    /// Returns when `approvalID` is signalled, after `timeout`, or when the waiting task is
    /// cancelled (a client that went away), whichever comes first. The timeout is a child task,
    /// cancelled as soon as the wait ends.
    func wait(for approvalID: UUID, timeout: Duration) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.signalled(approvalID) }
            group.addTask { try? await Task.sleep(for: timeout) }
            await group.next()
            group.cancelAll()
        }
    }

    func signal(_ approvalID: UUID) {
        let resumed = waiters.withLock { $0.removeValue(forKey: approvalID) } ?? [:]
        for continuation in resumed.values { continuation.resume() }
    }

    /// Returns when `approvalID` is signalled or the task is cancelled.
    private func signalled(_ approvalID: UUID) async {
        let waiter = UUID()
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                // A cancellation that came before the continuation was stored found nothing to
                // resume; it is seen here instead.
                let cancelled = waiters.withLock { waiters -> Bool in
                    if Task.isCancelled { return true }
                    waiters[approvalID, default: [:]][waiter] = continuation
                    return false
                }
                if cancelled { continuation.resume() }
            }
        } onCancel: {
            resume(approvalID, waiter)
        }
    }

    private func resume(_ approvalID: UUID, _ waiter: UUID) {
        let continuation = waiters.withLock { waiters -> CheckedContinuation<Void, Never>? in
            let removed = waiters[approvalID]?.removeValue(forKey: waiter)
            if waiters[approvalID]?.isEmpty == true { waiters[approvalID] = nil }
            return removed
        }
        continuation?.resume()
    }
}
