import Metrics

/// Where Palisade's own share of a call goes (`palisade_gateway_stage_seconds`, by stage), so
/// that an operator can tell a slow scan from a slow key fetch without a profiler. Stages of a
/// streamed answer are timed chunk by chunk in the stream's own relay and are not here.
enum StageTimers {
    enum Stage: String, CaseIterable, Sendable {
        /// The injection scan of the request's untrusted text, tool outputs and tool definitions.
        case injectionScan = "injection_scan"
        /// The tenant's policy packs deciding about the call.
        case policy
        /// Finding the route's provider key and opening it with the tenant's data key.
        case providerKey = "provider_key"
        /// From a whole answer's arrival to the response: the scan, any redaction, and the
        /// decision's hand-off to the publisher (which the request stages do not include).
        case responseScan = "response_scan"
    }

    private static let timers = Dictionary(uniqueKeysWithValues: Stage.allCases.map { stage in
        (stage, Timer(label: "palisade_gateway_stage_seconds", dimensions: [("stage", stage.rawValue)]))
    })

    static func record(_ stage: Stage, since start: ContinuousClock.Instant) {
        timers[stage]?.record(duration: ContinuousClock.now - start)
    }
}
