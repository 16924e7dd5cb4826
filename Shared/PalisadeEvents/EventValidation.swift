import Foundation
import SwiftProtobuf

/// A validated event, ready for its topic.
public enum ValidatedEvent: Sendable {
    case runtime(Palisade_V1_RuntimeEvent)
    case change(Palisade_V1_ChangeEvent)

    public var eventID: String {
        switch self {
        case .runtime(let event): event.eventID
        case .change(let event): event.eventID
        }
    }

    /// Protobuf bytes for the Kafka payload.
    public func serialized() throws -> [UInt8] {
        switch self {
        case .runtime(let event): try event.serializedBytes()
        case .change(let event): try event.serializedBytes()
        }
    }
}

/// The verdict on one event.
public enum EventCheck: Sendable {
    case valid(ValidatedEvent)
    case invalid([FieldViolation])
}

/// Who sent an event and when: stamped onto every event of a request.
public struct EventOrigin: Sendable {
    public var tenantID: String
    public var requestID: String
    public var receivedAt: Date

    public init(tenantID: String, requestID: String, receivedAt: Date) {
        self.tenantID = tenantID
        self.requestID = requestID
        self.receivedAt = receivedAt
    }
}

/// Checks one JSON event against seed 001's runtime and change event shapes.
///
/// `type` decides which: `runtime.*` is a runtime event; `watcher.*` and `change.*` are
/// change events.
public struct EventValidator: Sendable {
    public static let runtimePrefix = "runtime."
    public static let changePrefixes = ["watcher.", "change."]
    public static let severities = Set(Severity.allCases.map(\.rawValue))

    public init() {}

    public func validate(_ json: JSONValue, index: Int?, origin: EventOrigin) -> EventCheck {
        var check = FieldCheck(index: index)
        guard case .object = json else {
            return .invalid([FieldViolation(index: index, field: "", reason: "an event must be a JSON object")])
        }
        // Postgres text and jsonb cannot hold U+0000; refused here, it can never stall a consumer.
        if let path = json.pathToNUL() {
            return .invalid([FieldViolation(index: index, field: path, reason: "must not contain U+0000")])
        }
        let eventID = check.identifier(json["event_id"], field: "event_id")
        let type = check.text(json["type"], field: "type", maxLength: 128)
        let timestamp = check.timestamp(json["timestamp"], field: "timestamp")
        guard let type else { return .invalid(check.violations) }
        if type.hasPrefix(Self.runtimePrefix) {
            let event = runtime(json, check: &check, eventID: eventID, type: type, timestamp: timestamp, origin: origin)
            return check.violations.isEmpty ? .valid(.runtime(event)) : .invalid(check.violations)
        }
        if Self.changePrefixes.contains(where: type.hasPrefix) {
            let event = change(json, check: &check, eventID: eventID, type: type, timestamp: timestamp, origin: origin)
            return check.violations.isEmpty ? .valid(.change(event)) : .invalid(check.violations)
        }
        check.fail("type", "must start with 'runtime.' (runtime event) or 'watcher.'/'change.' (change event)")
        return .invalid(check.violations)
    }

    private func runtime(
        _ json: JSONValue, check: inout FieldCheck, eventID: String?, type: String, timestamp: Date?, origin: EventOrigin
    ) -> Palisade_V1_RuntimeEvent {
        var event = Palisade_V1_RuntimeEvent()
        event.routeID = check.text(json["route_id"], field: "route_id", maxLength: 256) ?? ""
        let payload = check.object(json["payload"], field: "payload")
        if let payload {
            event.latencyMs = check.count(payload["latency_ms"], field: "payload.latency_ms") ?? 0
            if let tokens = check.object(payload["tokens"], field: "payload.tokens") {
                event.tokens.input = check.count(tokens["input"], field: "payload.tokens.input") ?? 0
                event.tokens.output = check.count(tokens["output"], field: "payload.tokens.output") ?? 0
            }
            event.cost = check.amount(payload["cost"], field: "payload.cost") ?? 0
            event.model = check.text(payload["model"], field: "payload.model", maxLength: 256) ?? ""
            event.provider = check.text(payload["provider"], field: "payload.provider", maxLength: 64) ?? ""
        }
        event.tenantID = origin.tenantID
        event.eventID = eventID ?? ""
        event.type = type
        if let timestamp { event.timestamp = Google_Protobuf_Timestamp(date: timestamp) }
        event.json = json.canonicalJSON()
        event.receivedAt = Google_Protobuf_Timestamp(date: origin.receivedAt)
        event.requestID = origin.requestID
        return event
    }

    private func change(
        _ json: JSONValue, check: inout FieldCheck, eventID: String?, type: String, timestamp: Date?, origin: EventOrigin
    ) -> Palisade_V1_ChangeEvent {
        var event = Palisade_V1_ChangeEvent()
        event.provider = check.text(json["provider"], field: "provider", maxLength: 64) ?? ""
        if let payload = check.object(json["payload"], field: "payload") {
            event.changeID = check.text(payload["change_id"], field: "payload.change_id", maxLength: 256) ?? ""
            event.summary = check.text(payload["summary"], field: "payload.summary", maxLength: 4096) ?? ""
            event.impact = check.optionalText(payload["impact"], field: "payload.impact", maxLength: 4096) ?? ""
            event.sourceURL = check.optionalURL(payload["source_url"], field: "payload.source_url") ?? ""
            event.classification = check.optionalText(payload["classification"], field: "payload.classification", maxLength: 64) ?? ""
            if let severity = check.optionalText(payload["severity"], field: "payload.severity", maxLength: 16) {
                if Self.severities.contains(severity) {
                    event.severity = severity
                } else {
                    check.fail("payload.severity", "must be one of \(Self.severities.sorted().joined(separator: ", "))")
                }
            }
            event.affectedAssets = check.optionalTextList(payload["affected_assets"], field: "payload.affected_assets") ?? []
        }
        event.tenantID = origin.tenantID
        event.eventID = eventID ?? ""
        event.type = type
        if let timestamp { event.timestamp = Google_Protobuf_Timestamp(date: timestamp) }
        event.json = json.canonicalJSON()
        event.receivedAt = Google_Protobuf_Timestamp(date: origin.receivedAt)
        event.requestID = origin.requestID
        return event
    }
}

/// Collects violations while reading fields, so one pass reports every problem.
struct FieldCheck {
    let index: Int?
    var violations: [FieldViolation] = []

    mutating func fail(_ field: String, _ reason: String) {
        violations.append(FieldViolation(index: index, field: field, reason: reason))
    }

    mutating func text(_ value: JSONValue?, field: String, maxLength: Int) -> String? {
        guard let value, value != .null else {
            fail(field, "is required")
            return nil
        }
        return optionalText(value, field: field, maxLength: maxLength)
    }

    mutating func optionalText(_ value: JSONValue?, field: String, maxLength: Int) -> String? {
        guard let value, value != .null else { return nil }
        guard let text = value.stringValue else {
            fail(field, "must be a string")
            return nil
        }
        guard !text.isEmpty, text.count <= maxLength else {
            fail(field, "must be 1 to \(maxLength) characters")
            return nil
        }
        return text
    }

    mutating func identifier(_ value: JSONValue?, field: String) -> String? {
        guard let text = text(value, field: field, maxLength: 128) else { return nil }
        let allowed = text.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar) || "._:-".unicodeScalars.contains(scalar))
        }
        guard allowed else {
            fail(field, "may contain only letters, digits and . _ : -")
            return nil
        }
        return text
    }

    mutating func timestamp(_ value: JSONValue?, field: String) -> Date? {
        guard let text = text(value, field: field, maxLength: 64) else { return nil }
        guard let date = RFC3339.parse(text) else {
            fail(field, "must be an RFC 3339 date-time, e.g. 2024-03-15T14:30:00Z")
            return nil
        }
        return date
    }

    mutating func object(_ value: JSONValue?, field: String) -> JSONValue? {
        guard let value, value != .null else {
            fail(field, "is required")
            return nil
        }
        guard case .object = value else {
            fail(field, "must be an object")
            return nil
        }
        return value
    }

    /// A whole number ≥ 0 (latencies, token counts).
    mutating func count(_ value: JSONValue?, field: String) -> Int64? {
        guard let value, value != .null else {
            fail(field, "is required")
            return nil
        }
        guard let number = value.integerValue, number >= 0 else {
            fail(field, "must be a whole number ≥ 0")
            return nil
        }
        return number
    }

    /// A finite number ≥ 0 (costs).
    mutating func amount(_ value: JSONValue?, field: String) -> Double? {
        guard let value, value != .null else {
            fail(field, "is required")
            return nil
        }
        guard let number = value.numberValue, number.isFinite, number >= 0 else {
            fail(field, "must be a number ≥ 0")
            return nil
        }
        return number
    }

    mutating func optionalURL(_ value: JSONValue?, field: String) -> String? {
        guard let text = optionalText(value, field: field, maxLength: 2048) else { return nil }
        guard let url = URL(string: text), let scheme = url.scheme, ["http", "https"].contains(scheme.lowercased()), url.host != nil else {
            fail(field, "must be an http(s) URL")
            return nil
        }
        return text
    }

    mutating func optionalTextList(_ value: JSONValue?, field: String) -> [String]? {
        guard let value, value != .null else { return nil }
        guard case .array(let items) = value, items.count <= 1000 else {
            fail(field, "must be an array of at most 1000 strings")
            return nil
        }
        var texts: [String] = []
        for (position, item) in items.enumerated() {
            if let text = optionalText(item, field: "\(field).\(position)", maxLength: 256) { texts.append(text) }
        }
        return texts
    }
}

/// RFC 3339 date-times, with or without fractional seconds.
public enum RFC3339 {
    public static func parse(_ text: String) -> Date? {
        if let date = try? Date.ISO8601FormatStyle(includingFractionalSeconds: false).parse(text) { return date }
        return try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text)
    }

    public static func format(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}
