import Foundation

/// How often and how patiently a delivery is retried: exponential backoff with full jitter,
/// within a budget of attempts.
public struct RetryPolicy: Sendable, Equatable {
    public var maxAttempts: Int
    public var baseDelay: Duration
    public var maxDelay: Duration
    public var attemptTimeout: Duration

    public init(maxAttempts: Int, baseDelay: Duration, maxDelay: Duration, attemptTimeout: Duration) {
        self.maxAttempts = maxAttempts
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.attemptTimeout = attemptTimeout
    }

    /// The wait before attempt `attempt + 1`: a random point in [base/2, min(max, base·2^(attempt-1))].
    public func delay(after attempt: Int, random: Double = Double.random(in: 0...1)) -> Duration {
        let ceiling = min(maxDelay, baseDelay * (1 << min(max(attempt - 1, 0), 20)))
        let floor = baseDelay / 2
        guard ceiling > floor else { return ceiling }
        return floor + (ceiling - floor) * random
    }

    /// Whether an answer is worth retrying: timeouts and connection errors (no status),
    /// 408, 429 and 5xx. Other 4xx mean the request itself is refused.
    public static func isRetryable(status: Int?) -> Bool {
        guard let status else { return true }
        return status == 408 || status == 429 || (500...599).contains(status)
    }
}

/// Where a delivery stands after an attempt.
public enum DeliveryVerdict: Sendable, Equatable {
    case delivered
    /// Another attempt follows after this wait.
    case retrying(after: Duration)
    /// Refused for good, or the budget is spent.
    case gaveUp
}

extension RetryPolicy {
    /// Makes attempts until one succeeds, one is refused for good, or the budget is spent,
    /// waiting the backoff between them. `record` sees every attempt with its number (counting
    /// on from `previousAttempts`, e.g. after a restart) and the verdict; it runs before the
    /// wait, so a failure to record stops the delivery rather than losing the attempt.
    public func deliver(
        previousAttempts: Int = 0,
        attempt: () async -> DeliveryAttempt,
        record: (DeliveryAttempt, Int, DeliveryVerdict) async throws -> Void
    ) async throws -> DeliveryVerdict {
        var number = previousAttempts
        while true {
            number += 1
            let outcome = await attempt()
            // An attempt cut short by shutdown says nothing about the receiver: no verdict, no
            // dead letter; the caller's batch is redelivered.
            try Task.checkCancellation()
            let verdict: DeliveryVerdict
            if outcome.succeeded {
                verdict = .delivered
            } else if number >= maxAttempts || !Self.isRetryable(status: outcome.statusCode) {
                verdict = .gaveUp
            } else {
                verdict = .retrying(after: delay(after: number))
            }
            try await record(outcome, number, verdict)
            guard case .retrying(let wait) = verdict else { return verdict }
            // Backoff before the next attempt to a failing receiver (not synchronisation).
            try await Task.sleep(for: wait)
        }
    }
}
