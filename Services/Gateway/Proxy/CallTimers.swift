import Metrics

/// Each call's time as histograms, by provider and whether it streamed: Palisade's own share
/// (`palisade_gateway_overhead_seconds`, what the gateway adds to the provider's answer) and
/// the provider's (`palisade_gateway_upstream_seconds`). Made once per series, not per call.
enum CallTimers {
    private struct Series: Hashable {
        var provider: LLMProvider
        var streamed: Bool
    }

    private static let series = [LLMProvider.openai, .anthropic].flatMap { provider in
        [false, true].map { Series(provider: provider, streamed: $0) }
    }

    private static func timers(_ label: String) -> [Series: Timer] {
        Dictionary(uniqueKeysWithValues: series.map { series in
            (series, Timer(label: label, dimensions: [("provider", series.provider.rawValue), ("streamed", "\(series.streamed)")]))
        })
    }

    private static let overhead = timers("palisade_gateway_overhead_seconds")
    private static let upstream = timers("palisade_gateway_upstream_seconds")

    static func record(_ call: CallRecord) {
        let key = Series(provider: call.provider, streamed: call.streamed)
        overhead[key]?.record(duration: call.overhead)
        if call.upstreamTime > .zero { upstream[key]?.record(duration: call.upstreamTime) }
    }
}
