import Foundation
import PalisadeDelivery
import PalisadeEvents
import PalisadeService

/// A tenant's alert channel: a webhook URL, its signing secret and the least severity sent.
struct Channel: Sendable {
    let channelID: UUID
    let name: String
    let url: String
    let secret: String
    let minSeverity: Severity

    /// Whether an incident of `severity` goes to this channel.
    func accepts(_ severity: Severity) -> Bool { severity >= minSeverity }
}

/// The body of `POST /v1/alert-channels`, checked field by field.
struct ChannelDraft: Decodable {
    var name: String?
    var type: String?
    var url: String?
    var secret: String?
    var minSeverity: String?

    enum CodingKeys: String, CodingKey {
        case name, type, url, secret
        case minSeverity = "min_severity"
    }

    /// The channel (a secret is generated when none was given), or 422 naming every mistake.
    func validated() throws -> Channel {
        var errors: [ProblemField] = []
        let name = (self.name ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if !(1...200).contains(name.count) { errors.append(.init(index: nil, field: "name", reason: "must be 1 to 200 characters")) }
        if (type ?? "webhook") != "webhook" { errors.append(.init(index: nil, field: "type", reason: "must be 'webhook'")) }
        let url = self.url ?? ""
        if !DeliveryURL.isAcceptable(url) { errors.append(.init(index: nil, field: "url", reason: "must be an absolute http or https URL")) }
        let secret = self.secret ?? WebhookSigner.generateSecret()
        if WebhookSigner(secret: secret) == nil {
            errors.append(.init(index: nil, field: "secret", reason: "must be 'whsec_' followed by base64 of 24 to 64 bytes"))
        }
        let severity = Severity(rawValue: minSeverity ?? "low")
        if severity == nil { errors.append(.init(index: nil, field: "min_severity", reason: "must be one of \(Severity.names)")) }
        guard errors.isEmpty, let severity else { throw Problem.invalid("the channel is not valid", errors: errors) }
        return Channel(channelID: UUID(), name: name, url: url, secret: secret, minSeverity: severity)
    }
}
