import Foundation
import PalisadeDelivery
import PalisadeService

/// A tenant's SIEM destination: a Splunk HTTP Event Collector endpoint and its token.
struct Destination: Sendable {
    let destinationID: UUID
    let name: String
    let url: String
    let token: String
    let index: String?
    let sourcetype: String
}

/// The body of `POST /v1/siem/destinations`, checked field by field.
struct DestinationDraft: Decodable {
    var name: String?
    var type: String?
    var url: String?
    var token: String?
    var index: String?
    var sourcetype: String?

    func validated() throws -> Destination {
        var errors: [ProblemField] = []
        let name = (self.name ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if !(1...200).contains(name.count) { errors.append(.init(index: nil, field: "name", reason: "must be 1 to 200 characters")) }
        if type != "splunk_hec" { errors.append(.init(index: nil, field: "type", reason: "must be 'splunk_hec'")) }
        let url = self.url ?? ""
        if !DeliveryURL.isAcceptable(url) {
            errors.append(.init(index: nil, field: "url", reason: "must be an absolute http or https URL (the HEC event endpoint)"))
        }
        let token = token ?? ""
        if !(1...512).contains(token.count) || token.contains(where: \.isWhitespace) {
            errors.append(.init(index: nil, field: "token", reason: "must be the HEC token: 1 to 512 characters, no spaces"))
        }
        if let index, !(1...200).contains(index.count) { errors.append(.init(index: nil, field: "index", reason: "must be 1 to 200 characters")) }
        let sourcetype = self.sourcetype ?? "palisade:event"
        if !(1...200).contains(sourcetype.count) { errors.append(.init(index: nil, field: "sourcetype", reason: "must be 1 to 200 characters")) }
        guard errors.isEmpty else { throw Problem.invalid("the destination is not valid", errors: errors) }
        return Destination(destinationID: UUID(), name: name, url: url, token: token, index: index, sourcetype: sourcetype)
    }
}
