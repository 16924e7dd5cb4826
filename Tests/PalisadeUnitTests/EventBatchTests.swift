import Foundation
import PalisadeEvents
import Testing

@Suite struct EventBatchTests {
    let origin = EventOrigin(tenantID: "8f7d3c1e-4a5b-4c6d-8e9f-0a1b2c3d4e5f", requestID: "req-1", receivedAt: Date())

    static func runtime(id: String = "evt-1", latency: String = "1250") -> String {
        """
        {"event_id":"\(id)","route_id":"prod-chat","type":"runtime.request.completed","timestamp":"2024-03-15T14:30:00Z",
         "payload":{"latency_ms":\(latency),"tokens":{"input":512,"output":256},"cost":0.0214,"model":"claude-3-opus","provider":"anthropic"}}
        """
    }

    @Test func acceptsSeedRuntimeAndChangeEvents() throws {
        let change = """
            {"event_id":"evt-12346","type":"watcher.release_note.change","provider":"anthropic","timestamp":"2024-03-15T10:00:00Z",
             "payload":{"change_id":"anthropic-release-20240315","summary":"Added new moderation features","impact":"May affect safety policy evaluations"}}
            """
        let body = Data("[\(Self.runtime()), \(change)]".utf8)
        let events = try EventBatch.parse(body, format: .json, origin: origin).get()
        #expect(events.map(\.eventID) == ["evt-1", "evt-12346"])
        guard case .runtime(let runtime) = events[0] else {
            Issue.record("first event should be a runtime event")
            return
        }
        #expect(runtime.latencyMs == 1250)
        #expect(runtime.tokens.output == 256)
        #expect(runtime.tenantID == origin.tenantID)
    }

    @Test func namesFieldAndIndexOfEveryViolation() {
        let body = Data("[\(Self.runtime()), \(Self.runtime(id: "evt 2", latency: "-3"))]".utf8)
        guard case .failure(.invalid(let violations)) = EventBatch.parse(body, format: .json, origin: origin) else {
            Issue.record("expected a validation failure")
            return
        }
        #expect(violations.contains(FieldViolation(index: 1, field: "event_id", reason: "may contain only letters, digits and . _ : -")))
        #expect(violations.contains { $0.index == 1 && $0.field == "payload.latency_ms" })
        #expect(!violations.contains { $0.index == 0 })
    }

    @Test func refusesMoreThanAThousandEvents() {
        let lines = (0...EventBatch.maximumCount).map { Self.runtime(id: "evt-\($0)").replacingOccurrences(of: "\n", with: "") }
        let body = Data(lines.joined(separator: "\n").utf8)
        #expect(EventBatch.parse(body, format: .ndjson, origin: origin) == .failure(.tooMany(count: 1001)))
    }

    @Test func reportsTheMalformedLineOfNDJSON() {
        let body = Data("\(Self.runtime().replacingOccurrences(of: "\n", with: ""))\n{not json\n".utf8)
        #expect(EventBatch.parse(body, format: .ndjson, origin: origin) == .failure(.malformed(index: 1, reason: "line 1 is not valid JSON")))
    }

    @Test func mediaTypes() {
        #expect(EventBatchFormat(contentType: "application/json; charset=utf-8") == .json)
        #expect(EventBatchFormat(contentType: "application/x-ndjson") == .ndjson)
        #expect(EventBatchFormat(contentType: "text/plain") == nil)
    }
}

extension Result where Success == [ValidatedEvent], Failure == EventBatchError {
    static func == (lhs: Self, rhs: Self) -> Bool {
        switch (lhs, rhs) {
        case (.failure(let left), .failure(let right)): left == right
        default: false
        }
    }
}
