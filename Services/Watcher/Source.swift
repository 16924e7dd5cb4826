import Foundation
import PalisadeDelivery
import PalisadeEvents
import PalisadeService

/// A watched document: where it is, whose it is, what a change of it means and how often to look.
struct Source: Sendable {
    static let classifications = ["pricing_update", "deprecation", "release_note", "other"]

    let watcherID: UUID
    let name: String
    let url: String
    let provider: String
    let classification: String
    let severity: Severity
    let intervalSeconds: Int
}

/// The body of `POST /v1/watchers`, checked field by field.
struct SourceDraft: Decodable {
    var name: String?
    var url: String?
    var provider: String?
    var classification: String?
    var severity: String?
    var intervalSeconds: Int?

    enum CodingKeys: String, CodingKey {
        case name, url, provider, classification, severity
        case intervalSeconds = "interval_seconds"
    }

    /// The source, or 422 naming every mistake. `minimumInterval` protects the watched sites.
    func validated(minimumInterval: Int) throws -> Source {
        var errors: [ProblemField] = []
        let name = (self.name ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if !(1...200).contains(name.count) { errors.append(.init(index: nil, field: "name", reason: "must be 1 to 200 characters")) }
        let url = self.url ?? ""
        if !DeliveryURL.isAcceptable(url) { errors.append(.init(index: nil, field: "url", reason: "must be an absolute http or https URL")) }
        let provider = (self.provider ?? "").trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        if !(1...100).contains(provider.count) { errors.append(.init(index: nil, field: "provider", reason: "must be 1 to 100 characters, e.g. anthropic")) }
        let classification = self.classification ?? "other"
        if !Source.classifications.contains(classification) {
            errors.append(.init(index: nil, field: "classification", reason: "must be one of \(Source.classifications.joined(separator: ", "))"))
        }
        let severity = Severity(rawValue: self.severity ?? "medium")
        if severity == nil { errors.append(.init(index: nil, field: "severity", reason: "must be one of \(Severity.names)")) }
        let interval = intervalSeconds ?? 3600
        if !(minimumInterval...604_800).contains(interval) {
            errors.append(.init(index: nil, field: "interval_seconds", reason: "must be from \(minimumInterval) to 604800"))
        }
        guard errors.isEmpty, let severity else { throw Problem.invalid("the watcher is not valid", errors: errors) }
        return Source(watcherID: UUID(), name: name, url: url, provider: provider, classification: classification,
                      severity: severity, intervalSeconds: interval)
    }
}
