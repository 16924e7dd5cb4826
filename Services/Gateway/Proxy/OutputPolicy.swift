import PalisadeGuard

/// What a route does with personal data and secrets in a completion: redact (strictly or
/// reversibly), flag, or block the whole answer.
struct OutputPolicy: Sendable {
    let piiMode: String
    let secretMode: String

    init(_ route: ProxyRoute) {
        piiMode = route.piiMode
        secretMode = route.secretMode
    }

    func setting(for finding: Finding) -> String {
        finding.category == .secret ? secretMode : piiMode
    }

    /// How the text is rewritten; a blocked finding is redacted strictly in whatever was
    /// already written before the block takes effect.
    func redaction(for finding: Finding) -> RedactionMode {
        switch setting(for: finding) {
        case "reversible": .reversible
        case "flag": .flag
        default: .strict
        }
    }

    func blocks(_ finding: Finding) -> Bool { setting(for: finding) == "block" }

    /// The decision findings lead to: block, redact (something rewritten), or nil.
    func decision(for findings: [Finding]) -> String? {
        if findings.contains(where: blocks) { return "block" }
        if findings.contains(where: { redaction(for: $0) != .flag }) { return "redact" }
        return nil
    }

    static let minimumConfidence = 0.5
}
