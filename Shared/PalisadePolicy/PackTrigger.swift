/// An SLA or risk trigger: a windowed condition over a route's runtime events that emits a
/// policy result when it starts to hold (and again only after it stopped holding).
///
/// ```yaml
/// triggers:
///   - trigger_id: slow_chat
///     metric: p95_latency_ms        # p95_latency_ms | error_rate | cost_per_hour
///     window_seconds: 300           # a whole number of minutes, 60 to 3600
///     gt: 2000                      # gt | gte | lt | lte: a threshold, or
///     # drift: 1.5                  # the window's value over the trailing day's, at least this ratio
///     min_events: 20                # fewer events in the window decide nothing (default 10)
///     severity: high
///     action: alert                 # what the policy result asks for: log, alert, review, block
/// ```
public struct PackTrigger: Sendable, Equatable {
    public enum Metric: String, Sendable, CaseIterable {
        /// The 95th percentile of `latency_ms`.
        case p95LatencyMs = "p95_latency_ms"
        /// Events whose type ends in `.failed` or `.error`, over all events.
        case errorRate = "error_rate"
        /// The window's summed `cost`, scaled to an hour.
        case costPerHour = "cost_per_hour"
    }

    public enum Comparison: String, Sendable, CaseIterable {
        case gt, gte, lt, lte

        public func holds(_ value: Double, _ threshold: Double) -> Bool {
            switch self {
            case .gt: value > threshold
            case .gte: value >= threshold
            case .lt: value < threshold
            case .lte: value <= threshold
            }
        }
    }

    public enum Condition: Sendable, Equatable {
        case threshold(Comparison, Double)
        /// The window's value is at least `ratio` times the trailing day's (per-hour mean of the
        /// 24 hours before the window); needs an hour of history.
        case drift(ratio: Double)
    }

    public static let actions = ["log", "alert", "review", "block"]

    public var triggerID: String
    public var description: String
    public var severity: RuleSeverity
    public var metric: Metric
    public var windowSeconds: Int
    public var condition: Condition
    public var minimumEvents: Int
    public var action: String

    public init(triggerID: String, description: String = "", severity: RuleSeverity = .medium, metric: Metric, windowSeconds: Int,
                condition: Condition, minimumEvents: Int = 10, action: String = "alert") {
        self.triggerID = triggerID
        self.description = description
        self.severity = severity
        self.metric = metric
        self.windowSeconds = windowSeconds
        self.condition = condition
        self.minimumEvents = minimumEvents
        self.action = action
    }

    /// In words, for the policy result: `p95_latency_ms over 300 s gt 2000`.
    public var conditionText: String {
        switch condition {
        case .threshold(let comparison, let value): "\(metric.rawValue) over \(windowSeconds) s \(comparison.rawValue) \(Self.format(value))"
        case .drift(let ratio): "\(metric.rawValue) over \(windowSeconds) s at least \(Self.format(ratio))× the trailing day"
        }
    }

    static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }

    var canonicalJSON: CanonicalJSON {
        var members: [String: CanonicalJSON] = [
            "trigger_id": .string(triggerID), "description": .string(description), "severity": .string(severity.rawValue),
            "metric": .string(metric.rawValue), "window_seconds": .integer(windowSeconds), "min_events": .integer(minimumEvents),
            "action": .string(action),
        ]
        switch condition {
        case .threshold(let comparison, let value): members[comparison.rawValue] = .string(Self.format(value))
        case .drift(let ratio): members["drift"] = .string(Self.format(ratio))
        }
        return .object(members)
    }
}
