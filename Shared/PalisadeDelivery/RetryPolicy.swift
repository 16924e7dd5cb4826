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
