import Hummingbird
import Metrics
import PalisadeService

/// A tenant's allowances: requests a minute overall and per route (`"GET /v1/events"`).
public struct RateLimits: Sendable, Equatable {
    public var perMinute: Int?
    public var perRoute: [String: Int]

    public init(perMinute: Int?, perRoute: [String: Int]) {
        self.perMinute = perMinute
        self.perRoute = perRoute
    }

    public static let defaults = RateLimits(perMinute: nil, perRoute: [:])
}

/// 429 RFC 7807 with `Retry-After` once a tenant has spent its allowance, overall or on the
/// route. Runs after authentication (it limits the verified tenant, never an unverified claim)
/// and inside the router, so it knows which route matched.
public struct RateLimitMiddleware: RouterMiddleware {
    public typealias Context = PalisadeRequestContext
    public typealias LimitsOf = @Sendable (_ tenantID: String) async throws -> RateLimits
    let tenants: TokenBucketLimiter
    let routes: TokenBucketLimiter
    let limits: LimitsOf
    private let limited = Counter(label: "palisade_rate_limited_total")

    /// `tenants` holds the default per-tenant allowance, `routes` the default per-route one.
    public init(tenants: TokenBucketLimiter, routes: TokenBucketLimiter, limits: @escaping LimitsOf) {
        self.tenants = tenants
        self.routes = routes
        self.limits = limits
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let tenant = context.claims?.tenantID else { return try await next(request, context) }
        let configured = try await limits(tenant)
        let route = "\(request.method.rawValue) \(context.endpointPath ?? request.uri.path)"
        let overall = tenants.take(tenant, capacity: configured.perMinute)
        guard overall.allowed else {
            throw refusal(overall, detail: "the tenant's allowance of \(configured.perMinute ?? tenants.capacity) requests a minute is spent", context: context)
        }
        let onRoute = routes.take("\(tenant) \(route)", capacity: configured.perRoute[route])
        guard onRoute.allowed else {
            throw refusal(onRoute, detail: "the tenant's allowance of \(configured.perRoute[route] ?? routes.capacity) requests a minute on \(route) is spent",
                          context: context)
        }
        return try await next(request, context)
    }

    private func refusal(_ decision: TokenBucketLimiter.Decision, detail: String, context: Context) -> Problem {
        limited.increment()
        context.logger.warning("rate limited", metadata: ["retry_after": "\(decision.retryAfterSeconds)"])
        var headers = HTTPFields()
        headers[.retryAfter] = "\(decision.retryAfterSeconds)"
        return Problem(.tooManyRequests, slug: "rate-limited", title: "Too many requests",
                       detail: "\(detail); retry after \(decision.retryAfterSeconds) s", headers: headers)
    }
}
