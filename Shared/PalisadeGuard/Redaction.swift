/// What happens to a span of personal data or a secret in text that leaves Palisade.
public enum RedactionMode: String, Sendable, Codable, CaseIterable {
    /// Replaced by `[redacted:<type>]`; the value is gone.
    case strict
    /// Replaced by a token the vault maps back to the value (revealing it is audited).
    case reversible
    /// Left in place; the finding is reported.
    case flag
}

/// Where reversible redaction keeps values: a token per value, sealed at rest. The gateway's
/// implementation stores them encrypted under the tenant's data key.
public protocol RedactionVault: Sendable {
    /// A token standing for `value` (the same value may get the same token).
    func token(for value: String, type: String) throws -> String
}

public enum Redactor {
    public static func strictToken(_ type: String) -> String { "[redacted:\(type)]" }

    /// `text` with every personal-data or secret finding replaced according to `mode(finding)`;
    /// injection findings are never rewritten. Overlapping spans are replaced as one.
    public static func redact(
        _ text: String, findings: [Finding], vault: (any RedactionVault)? = nil,
        mode: (Finding) -> RedactionMode
    ) throws -> String {
        let spans = findings.filter { $0.category != .injection && mode($0) != .flag }.sorted { $0.start < $1.start }
        guard !spans.isEmpty else { return text }
        let scalars = Array(text.unicodeScalars)
        var out = String.UnicodeScalarView()
        var cursor = 0
        var index = 0
        while index < spans.count {
            var span = spans[index]
            // Spans that overlap are one replacement, named after the first.
            while index + 1 < spans.count, spans[index + 1].start < span.end {
                span.end = max(span.end, spans[index + 1].end)
                index += 1
            }
            let start = min(max(span.start, cursor), scalars.count)
            let end = min(span.end, scalars.count)
            out.append(contentsOf: scalars[cursor..<start])
            let value = String(String.UnicodeScalarView(scalars[start..<end]))
            let replacement: String
            switch mode(span) {
            case .reversible:
                guard let vault else { throw RedactionError.noVault }
                replacement = try vault.token(for: value, type: span.detector)
            case .strict, .flag:
                replacement = strictToken(span.detector)
            }
            out.append(contentsOf: replacement.unicodeScalars)
            cursor = end
            index += 1
        }
        out.append(contentsOf: scalars[cursor...])
        return String(out)
    }
}

public enum RedactionError: Error, Equatable {
    case noVault
}
