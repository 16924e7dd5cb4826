import Foundation

/// What an open-loop load measured (see `PacedLoad`), and its line in a report.
public enum OpenLoop {
    public struct Result: Sendable {
        /// Latencies of the measured requests (after the warm-up second), sorted, in milliseconds.
        public var milliseconds: [Double]
        public var failed: Int
        /// What the first failed request got (a status or an error), to say why in the report.
        public var firstFailure: String? = nil

        public var count: Int { milliseconds.count }

        public func percentile(_ p: Double) -> Double {
            milliseconds.isEmpty ? .nan : milliseconds[min(milliseconds.count - 1, Int(Double(milliseconds.count) * p))]
        }

        public var p50: Double { percentile(0.5) }
        public var p99: Double { percentile(0.99) }
    }

    /// `name  p50 … p99 … (n requests, f failed)  added …` against a baseline.
    public static func line(_ name: String, _ result: Result, baseline: Result?) -> String {
        var line = name.padding(toLength: 52, withPad: " ", startingAt: 0)
            + String(format: " p50 %7.2f ms  p99 %7.2f ms  (%d requests, %d failed)", result.p50, result.p99, result.count, result.failed)
        if let baseline {
            line += String(format: "  added p50 %+.2f ms, p99 %+.2f ms", result.p50 - baseline.p50, result.p99 - baseline.p99)
        }
        if let failure = result.firstFailure { line += "  first failure: \(failure)" }
        return line
    }
}
