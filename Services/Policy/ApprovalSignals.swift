import Foundation
import Synchronization

/// Wakes requests waiting on an approval when this instance resolves it. An approval resolved
/// by another instance is noticed by the waiter's next read (see `ApprovalRoutes.wait`), so a
/// signal only shortens the wait, it is never needed for correctness.
final class ApprovalSignals: Sendable {
    /// Each waiter's continuation, resumed exactly once: whoever removes it resumes it.
    private let waiters = Mutex<[UUID: [UUID: CheckedContinuation<Void, Never>]]>([:])

    /// Returns when `approvalID` is signalled or after `timeout`, whichever comes first.
    func wait(for approvalID: UUID, timeout: Duration) async {
        let waiter = UUID()
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            waiters.withLock { $0[approvalID, default: [:]][waiter] = continuation }
            // The timer holds only ids: if the signal came first it finds nothing to resume.
            Task { [weak self] in
                try? await Task.sleep(for: timeout)
                self?.resume(approvalID, waiter)
            }
        }
    }

    func signal(_ approvalID: UUID) {
        let resumed = waiters.withLock { $0.removeValue(forKey: approvalID) } ?? [:]
        for continuation in resumed.values { continuation.resume() }
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
