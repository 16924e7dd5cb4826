import AsyncHTTPClient
import Foundation
import NIOCore

/// An open-loop load: request `n` is sent at start + n/rate whatever the earlier ones are doing,
/// so a slow system shows as latency (and failures), not as a lower rate.
public enum OpenLoop {
    public struct Result: Sendable {
        /// Latencies of the measured requests (after the warm-up second), sorted, in milliseconds.
        public var milliseconds: [Double]
        public var failed: Int

        public var count: Int { milliseconds.count }

        public func percentile(_ p: Double) -> Double {
            milliseconds.isEmpty ? .nan : milliseconds[min(milliseconds.count - 1, Int(Double(milliseconds.count) * p))]
        }

        public var p50: Double { percentile(0.5) }
        public var p99: Double { percentile(0.99) }
    }

    /// `rate` requests a second for one warm-up second plus `seconds`; `send(n)` makes request
    /// `n` and says whether it succeeded.
    public static func measure(rate: Int, seconds: Int, send: @escaping @Sendable (Int) async -> Bool) async -> Result {
        let interval = Duration.seconds(1) / rate
        let total = rate * (seconds + 1)
        let warmUp = rate
        let start = ContinuousClock.now + .milliseconds(50)
        let outcomes = await withTaskGroup(of: (Int, Duration, Bool).self) { group in
            for index in 0..<total {
                try? await Task.sleep(until: start + interval * index, clock: .continuous)
                group.addTask {
                    let sent = ContinuousClock.now
                    let ok = await send(index)
                    return (index, ContinuousClock.now - sent, ok)
                }
            }
            var outcomes: [(Int, Duration, Bool)] = []
            for await outcome in group { outcomes.append(outcome) }
            return outcomes
        }
        let measured = outcomes.filter { $0.0 >= warmUp }
        let sorted = measured.map { $0.1 / .milliseconds(1) }.sorted()
        return Result(milliseconds: sorted, failed: measured.filter { !$0.2 }.count)
    }

    /// One HTTP request, answered 2xx and read whole.
    public static func send(_ client: HTTPClient, _ request: HTTPClientRequest, timeout: TimeAmount = .seconds(10)) async -> Bool {
        do {
            let response = try await client.execute(request, timeout: timeout)
            _ = try await response.body.collect(upTo: 8 << 20)
            return (200..<300).contains(Int(response.status.code))
        } catch {
            return false
        }
    }

    /// `name  p50 … p99 … (n requests, f failed)  added …` against a baseline.
    public static func line(_ name: String, _ result: Result, baseline: Result?) -> String {
        var line = name.padding(toLength: 52, withPad: " ", startingAt: 0)
            + String(format: " p50 %7.2f ms  p99 %7.2f ms  (%d requests, %d failed)", result.p50, result.p99, result.count, result.failed)
        if let baseline {
            line += String(format: "  added p50 %+.2f ms, p99 %+.2f ms", result.p50 - baseline.p50, result.p99 - baseline.p99)
        }
        return line
    }
}
