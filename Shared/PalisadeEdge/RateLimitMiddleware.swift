import Hummingbird
import Metrics
import PalisadeService

/// 429 RFC 7807 with `Retry-After` once a tenant has spent its request allowance. Runs after
/// authentication (it limits the verified tenant, never an unverified claim).
public struct RateLimitMiddleware: RouterMiddleware {
    public typealias Context = PalisadeRequestContext
    let limiter: TokenBucketLimiter
    private let limited = Counter(label: "palisade_rate_limited_total")

    public init(limiter: TokenBucketLimiter) {
        self.limiter = limiter
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let tenant = context.claims?.tenantID else { return try await next(request, context) }
        let decision = limiter.take(tenant)
        guard decision.allowed else {
            limited.increment()
            context.logger.warning("rate limited", metadata: ["retry_after": "\(decision.retryAfterSeconds)"])
            var headers = HTTPFields()
            headers[.retryAfter] = "\(decision.retryAfterSeconds)"
            throw Problem(.tooManyRequests, slug: "rate-limited", title: "Too many requests",
                          detail: "the tenant's allowance of \(limiter.capacity) requests a minute is spent; retry after \(decision.retryAfterSeconds) s",
                          headers: headers)
        }
        return try await next(request, context)
    }
}
