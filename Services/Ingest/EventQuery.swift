import Foundation
import Hummingbird
import PalisadeEvents
import PalisadeService

/// The filters and page of `GET /v1/events`.
struct EventQuery: Sendable {
    var routeID: String?
    var type: String?
    /// Inclusive lower bound on the event's timestamp.
    var since: String?
    /// Exclusive upper bound on the event's timestamp.
    var until: String?
    var limit: Int
    var cursor: PageCursor?

    init(_ parameters: Parameters) throws {
        var problems: [ProblemField] = []
        routeID = parameters.get("route_id").flatMap { $0.isEmpty ? nil : $0 }
        type = parameters.get("type").flatMap { $0.isEmpty ? nil : $0 }
        since = try Self.time(parameters.get("since"), field: "since", problems: &problems)
        until = try Self.time(parameters.get("until"), field: "until", problems: &problems)
        let page = PageRequest(limit: parameters.get("limit"), cursor: parameters.get("cursor"), problems: &problems) {
            RFC3339.parse($0.sortKey) != nil
        }
        (limit, cursor) = (page.limit, page.cursor)
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
