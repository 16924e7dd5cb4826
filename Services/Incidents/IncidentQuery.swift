import Foundation
import Hummingbird
import PalisadeEvents
import PalisadeService

/// The filters and page of `GET /v1/incidents`.
struct IncidentQuery: Sendable {
    static let statuses = ["open", "acknowledged", "resolved"]

    var status: String?
    var severity: String?
    var routeID: String?
    var limit: Int
    var cursor: PageCursor?

    init(_ parameters: Parameters) throws {
        var problems: [ProblemField] = []
        status = parameters.get("status").flatMap { $0.isEmpty ? nil : $0 }
        if let status, !Self.statuses.contains(status) {
            problems.append(ProblemField(index: nil, field: "status", reason: "must be one of \(Self.statuses.joined(separator: ", "))"))
        }
        severity = parameters.get("severity").flatMap { $0.isEmpty ? nil : $0 }
        if let severity, Severity(rawValue: severity) == nil {
            problems.append(ProblemField(index: nil, field: "severity", reason: "must be one of \(Severity.names)"))
        }
        routeID = parameters.get("route_id").flatMap { $0.isEmpty ? nil : $0 }
        let page = PageRequest(limit: parameters.get("limit"), cursor: parameters.get("cursor"), problems: &problems) {
            RFC3339.parse($0.sortKey) != nil && UUID(uuidString: $0.id) != nil
        }
        (limit, cursor) = (page.limit, page.cursor)
        guard problems.isEmpty else { throw Problem.invalid("the query parameters are not valid", errors: problems) }
    }
}
