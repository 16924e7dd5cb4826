import Foundation
import Hummingbird
import PalisadeEvents
import PalisadeService

/// The filters and page of `GET /v1/events`.
struct EventQuery: Sendable {
    static let defaultLimit = 100
    static let maximumLimit = 1000

    var routeID: String?
    var type: String?
    /// Inclusive lower bound on the event's timestamp.
    var since: String?
    /// Exclusive upper bound on the event's timestamp.
    var until: String?
    var limit: Int
    var cursor: EventCursor?

    init(_ parameters: Parameters) throws {
        var problems: [ProblemField] = []
        routeID = parameters.get("route_id").flatMap { $0.isEmpty ? nil : $0 }
        type = parameters.get("type").flatMap { $0.isEmpty ? nil : $0 }
        since = try Self.time(parameters.get("since"), field: "since", problems: &problems)
        until = try Self.time(parameters.get("until"), field: "until", problems: &problems)
        limit = Self.defaultLimit
        if let text = parameters.get("limit") {
            if let value = Int(text), (1...Self.maximumLimit).contains(value) {
                limit = value
            } else {
                problems.append(ProblemField(index: nil, field: "limit", reason: "must be a whole number from 1 to \(Self.maximumLimit)"))
            }
        }
        if let text = parameters.get("cursor") {
            cursor = EventCursor(encoded: text)
            if cursor == nil { problems.append(ProblemField(index: nil, field: "cursor", reason: "is not a cursor this API returned")) }
        }
        guard problems.isEmpty else { throw Problem.invalid("the query parameters are not valid", errors: problems) }
    }

    private static func time(_ text: String?, field: String, problems: inout [ProblemField]) throws -> String? {
        guard let text, !text.isEmpty else { return nil }
        guard RFC3339.parse(text) != nil else {
            problems.append(ProblemField(index: nil, field: field, reason: "must be an RFC 3339 date-time"))
            return nil
        }
        return text
    }
}

/// Where the next page starts: the last row's exact timestamp (as Postgres printed it) and id.
struct EventCursor: Sendable, Equatable {
    var occurredAt: String
    var eventID: String

    init(occurredAt: String, eventID: String) {
        self.occurredAt = occurredAt
        self.eventID = eventID
    }

    init?(encoded: String) {
        var base64 = encoded.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard let data = Data(base64Encoded: base64) else { return nil }
        let text = String(decoding: data, as: UTF8.self)
        guard let bar = text.firstIndex(of: "|") else { return nil }
        occurredAt = String(text[..<bar])
        eventID = String(text[text.index(after: bar)...])
        guard RFC3339.parse(occurredAt) != nil, !eventID.isEmpty else { return nil }
    }

    var encoded: String {
        Data("\(occurredAt)|\(eventID)".utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
