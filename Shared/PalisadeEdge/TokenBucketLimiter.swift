import Synchronization

/// Token buckets by key (a tenant, or a tenant and route): each holds up to its capacity and
/// refills at capacity per `period`, so a caller may burst to its whole allowance and then
/// proceeds at the steady rate. Capacities are per call, so a tenant's configured allowance
/// applies as soon as it is known.
public final class TokenBucketLimiter: Sendable {
    public struct Decision: Sendable, Equatable {
        public let allowed: Bool
        /// Whole seconds until one token is back (0 when allowed).
        public let retryAfterSeconds: Int
        public let remaining: Int
    }

    private struct Bucket {
        var tokens: Double
        var updated: ContinuousClock.Instant
    }

    /// The capacity of `take` calls that name none.
    public let capacity: Int
    public let period: Duration
    /// Buckets idle this long are full again and can be dropped (bounds memory).
    private let idleAfter: Duration
    private let buckets = Mutex<[String: Bucket]>([:])

    public init(capacity: Int, period: Duration = .seconds(60)) {
        self.capacity = max(1, capacity)
        self.period = period
        idleAfter = period * 2
    }

    /// Takes one token from `key`'s bucket of `capacity` (the default when nil) if it has one.
    public func take(_ key: String, capacity: Int? = nil, now: ContinuousClock.Instant = .now) -> Decision {
        let capacity = Double(max(1, capacity ?? self.capacity))
        let perSecond = capacity / period.seconds
        return buckets.withLock { buckets in
            if buckets.count > 10_000 { buckets = buckets.filter { now - $0.value.updated < idleAfter } }
            var bucket = buckets[key] ?? Bucket(tokens: capacity, updated: now)
            bucket.tokens = min(capacity, bucket.tokens + (now - bucket.updated).seconds * perSecond)
            bucket.updated = now
            defer { buckets[key] = bucket }
            guard bucket.tokens >= 1 else {
                let wait = (1 - bucket.tokens) / perSecond
                return Decision(allowed: false, retryAfterSeconds: max(1, Int(wait.rounded(.up))), remaining: 0)
            }
            bucket.tokens -= 1
            return Decision(allowed: true, retryAfterSeconds: 0, remaining: Int(bucket.tokens))
        }
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
