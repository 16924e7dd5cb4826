import Foundation

/// A route's recent runtime events, in one-minute buckets for the last hour (what trigger
/// windows read) and one-hour buckets for the last day (what drift is measured against).
/// Latencies go into a log-scale histogram (bins about 7 % wide), so a percentile costs a
/// pass over 128 counters whatever the traffic. Memory is fixed: about 45 KB a route.
public struct RouteActivity: Sendable, Equatable {
    struct Bucket: Sendable, Equatable {
        var index: Int64 = -1
        var count = 0
        var errors = 0
        var cost = 0.0
        var latency = [UInt32](repeating: 0, count: RouteActivity.bins)

        mutating func reset(to index: Int64) {
            self.index = index
            count = 0
            errors = 0
            cost = 0
            for bin in latency.indices { latency[bin] = 0 }
        }
    }

    static let bins = 128
    static let growth = log(1.07)
    static let minuteSlots = 61
    static let hourSlots = 26

    // Internal for `TriggerRouteState.snapshot`; written only by `record` and by decoding.
    var minutes = [Bucket](repeating: Bucket(), count: RouteActivity.minuteSlots)
    var hours = [Bucket](repeating: Bucket(), count: RouteActivity.hourSlots)
    /// The newest minute an event fell in: the end of every window.
    public internal(set) var latestMinute: Int64 = .min

    public init() {}

    /// Counts one event; events more than a day older than the newest are ignored.
    public mutating func record(at date: Date, latencyMs: Int64, isError: Bool, cost: Double) {
        let minute = Int64((date.timeIntervalSince1970 / 60).rounded(.down))
        latestMinute = max(latestMinute, minute)
        let bin = Self.bin(latencyMs)
        if minute > latestMinute - Int64(Self.minuteSlots) {
            Self.add(&minutes[Int(minute.modulo(Int64(Self.minuteSlots)))], index: minute, bin: bin, isError: isError, cost: cost)
        }
        let hour = minute.floorDivided(by: 60)
        if hour > latestMinute.floorDivided(by: 60) - Int64(Self.hourSlots) {
            Self.add(&hours[Int(hour.modulo(Int64(Self.hourSlots)))], index: hour, bin: bin, isError: isError, cost: cost)
        }
    }

    private static func add(_ bucket: inout Bucket, index: Int64, bin: Int, isError: Bool, cost: Double) {
        if bucket.index != index {
            guard bucket.index < index else { return }  // the slot holds a newer period: this event is too old for it
            bucket.reset(to: index)
        }
        bucket.count += 1
        if isError { bucket.errors += 1 }
        bucket.cost += cost
        bucket.latency[bin] &+= 1
    }

    static func bin(_ latencyMs: Int64) -> Int {
        guard latencyMs > 0 else { return 0 }
        return min(bins - 1, Int((log(Double(latencyMs) + 1) / growth).rounded(.down)))
    }

    /// A bin's geometric middle, in milliseconds: a percentile is reported within 4 % of the truth.
    static func middle(_ bin: Int) -> Double { (exp((Double(bin) + 0.5) * growth) - 1).rounded() }

    /// The metric over the `minutes` minutes ending with the newest, and the events it saw.
    public func value(_ metric: PackTrigger.Metric, minutes count: Int) -> (value: Double, events: Int) {
        var merged = Bucket()
        let first = latestMinute - Int64(count) + 1
        for bucket in minutes where bucket.index >= first && bucket.index <= latestMinute { Self.merge(bucket, into: &merged) }
        return (Self.measure(metric, merged, seconds: Double(count * 60)), merged.count)
    }

    /// The metric over the day before the window's first hour (per hour for cost), or nil with
    /// less than an hour of history there.
    public func trailingDay(_ metric: PackTrigger.Metric, windowMinutes: Int) -> Double? {
        let firstHourOfWindow = (latestMinute - Int64(windowMinutes) + 1).floorDivided(by: 60)
        var merged = Bucket()
        var hoursSeen = 0
        for bucket in hours where bucket.index >= firstHourOfWindow - 24 && bucket.index < firstHourOfWindow && bucket.count > 0 {
            Self.merge(bucket, into: &merged)
            hoursSeen += 1
        }
        guard hoursSeen > 0 else { return nil }
        return Self.measure(metric, merged, seconds: Double(hoursSeen * 3600))
    }

    private static func merge(_ bucket: Bucket, into merged: inout Bucket) {
        merged.count += bucket.count
        merged.errors += bucket.errors
        merged.cost += bucket.cost
        for bin in 0..<bins { merged.latency[bin] &+= bucket.latency[bin] }
    }

    private static func measure(_ metric: PackTrigger.Metric, _ bucket: Bucket, seconds: Double) -> Double {
        switch metric {
        case .errorRate:
            return bucket.count == 0 ? 0 : Double(bucket.errors) / Double(bucket.count)
        case .costPerHour:
            return bucket.cost * 3600 / seconds
        case .p95LatencyMs:
            guard bucket.count > 0 else { return 0 }
            let rank = UInt64((Double(bucket.count) * 0.95).rounded(.up))
            var seen: UInt64 = 0
            for bin in 0..<bins {
                seen += UInt64(bucket.latency[bin])
                if seen >= rank { return middle(bin) }
            }
            return middle(bins - 1)
        }
    }

    /// An event type counts as an error when it ends in `.failed` or `.error`.
    public static func isError(type: String) -> Bool { type.hasSuffix(".failed") || type.hasSuffix(".error") }
}

extension Int64 {
    func modulo(_ divisor: Int64) -> Int64 {
        let remainder = self % divisor
        return remainder < 0 ? remainder + divisor : remainder
    }

    func floorDivided(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}
