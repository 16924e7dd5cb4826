import PalisadeEdge
import Testing

@Suite struct TokenBucketLimiterTests {
    @Test func aTenantBurstsToItsAllowanceThenWaits() {
        let limiter = TokenBucketLimiter(capacity: 3, period: .seconds(60))
        let start = ContinuousClock.now
        #expect((0..<3).allSatisfy { _ in limiter.take("a", now: start).allowed })
        let refused = limiter.take("a", now: start)
        #expect(!refused.allowed)
        #expect(refused.retryAfterSeconds == 20)
        // Another tenant has a bucket of its own.
        #expect(limiter.take("b", now: start).allowed)
        // One token is back after 20 s (3 a minute).
        #expect(!limiter.take("a", now: start + .seconds(19)).allowed)
        #expect(limiter.take("a", now: start + .seconds(40)).allowed)
    }

    @Test func refillNeverExceedsTheCapacity() {
        let limiter = TokenBucketLimiter(capacity: 2, period: .seconds(60))
        let start = ContinuousClock.now
        #expect(limiter.take("a", now: start).remaining == 1)
        let later = start + .seconds(3600)
        #expect(limiter.take("a", now: later).remaining == 1)
        #expect(limiter.take("a", now: later).allowed)
        #expect(!limiter.take("a", now: later).allowed)
    }
}
