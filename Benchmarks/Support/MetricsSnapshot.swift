import AsyncHTTPClient
import Foundation
import NIOCore

/// The series of one scrape of a service's `/metrics`, so that a benchmark can report what the
/// service itself measured over a run (the difference of two snapshots).
public struct MetricsSnapshot: Sendable {
    /// By series as printed (`name` or `name{labels}`), its value.
    public let values: [String: Double]

    public init(text: String) {
        var values: [String: Double] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { continue }
            values[String(line[..<space])] = value
        }
        self.values = values
    }

    public static func scrape(_ baseURL: String, client: HTTPClient) async throws -> MetricsSnapshot {
        let response = try await client.execute(HTTPClientRequest(url: baseURL + "/metrics"), timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 16 << 20)
        return MetricsSnapshot(text: String(buffer: body))
    }

    /// What a histogram recorded between `earlier` and this snapshot: its count, its mean, and
    /// the upper bound of the bucket that holds each asked quantile.
    public func histogram(_ name: String, labels: String, since earlier: MetricsSnapshot, quantiles: [Double]) -> HistogramDelta? {
        func delta(_ series: String) -> Double { (values[series] ?? 0) - (earlier.values[series] ?? 0) }
        let count = delta("\(name)_count{\(labels)}")
        guard count > 0 else { return nil }
        let prefix = "\(name)_bucket{\(labels),le=\""
        let buckets = values.keys.filter { $0.hasPrefix(prefix) }
            .compactMap { series -> (bound: Double, count: Double)? in
                let bound = series.dropFirst(prefix.count).dropLast(2)
                return (bound == "+Inf" ? .infinity : Double(bound)).map { ($0, delta(series)) }
            }
            .sorted { $0.bound < $1.bound }
        let bounds = quantiles.map { quantile in buckets.first { $0.count >= quantile * count }?.bound ?? .infinity }
        return HistogramDelta(count: count, mean: delta("\(name)_sum{\(labels)}") / count, quantileBounds: bounds)
    }

    public func delta(_ series: String, since earlier: MetricsSnapshot) -> Double? {
        guard let now = values[series] else { return nil }
        return now - (earlier.values[series] ?? 0)
    }
}

public struct HistogramDelta: Sendable {
    public let count: Double
    public let mean: Double
    /// For each quantile asked, the upper bound of the bucket it falls in.
    public let quantileBounds: [Double]
}
