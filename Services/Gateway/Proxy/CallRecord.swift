import Foundation
import PalisadeEvents
import PalisadeGuard
import SwiftProtobuf

/// What one proxied call did, gathered as it runs and sent as a `Decision` when it ends.
struct CallRecord: Sendable {
    var tenantID: UUID
    var requestID: String
    var subject: String
    var routeID: String
    var provider: LLMProvider
    var model = ""
    var decision = "allow"
    var reason = ""
    var streamed = false
    var bypassed = false
    var upstreamStatus = 0
    var findings: [(stage: String, finding: Finding)] = []
    /// Kinds of request content the scan could not read (`image`, `audio`, `document`), one
    /// entry per item.
    var unscanned: [String] = []
    /// The findings category that records unscanned content, in decisions and for packs.
    static let unscannedCategory = "unscanned"
    /// What the enforced policy pack that decided said, and what shadow packs would have said.
    var enforced: Palisade_V1_PackOutcome?
    var shadow: [Palisade_V1_PackOutcome] = []
    let started = ContinuousClock.now
    /// Time spent waiting for the provider, subtracted to get Palisade's own overhead.
    var upstreamTime = Duration.zero

    /// Palisade's own share of the call so far: the time since it started, less the provider's.
    var overhead: Duration { ContinuousClock.now - started - upstreamTime }

    /// Raises the decision to `decision` if it is stronger (block > redact > review > allow).
    mutating func decide(_ decision: String, reason: String) {
        let order = ["allow": 0, "review": 1, "redact": 2, "block": 3]
        if order[decision, default: 0] >= order[self.decision, default: 0] {
            self.decision = decision
            if !reason.isEmpty { self.reason = reason }
        }
    }

    var message: Palisade_V1_Decision {
        var message = Palisade_V1_Decision()
        message.tenantID = tenantID.uuidString.lowercased()
        message.decisionID = "decision:\(requestID)"
        message.requestID = requestID
        message.occurredAt = Google_Protobuf_Timestamp(date: Date())
        message.routeID = routeID
        message.provider = provider.rawValue
        message.model = model
        message.decision = decision
        message.reason = reason
        message.subject = subject
        message.streamed = streamed
        message.bypassed = bypassed
        message.upstreamStatus = Int32(upstreamStatus)
        message.kind = "llm_call"
        if let enforced { message.enforced = enforced }
        message.shadow = shadow
        message.overheadMicros = Int64(overhead / .microseconds(1))
        // One entry per (stage, category, detector), with the count and the highest confidence:
        // the record says what was found, never the values.
        var grouped: [String: Palisade_V1_DecisionFinding] = [:]
        func count(_ detector: String, _ category: String, stage: String, confidence: Double) {
            let key = "\(stage)/\(category)/\(detector)"
            var entry = grouped[key] ?? Palisade_V1_DecisionFinding()
            entry.detector = detector
            entry.category = category
            entry.stage = stage
            entry.count += 1
            entry.confidence = max(entry.confidence, confidence)
            grouped[key] = entry
        }
        for (stage, finding) in findings {
            count(finding.detector, finding.category.rawValue, stage: stage, confidence: finding.confidence)
        }
        for kind in unscanned {
            count(kind, Self.unscannedCategory, stage: "request", confidence: 1)
        }
        message.findings = grouped.keys.sorted().compactMap { grouped[$0] }
        return message
    }
}
