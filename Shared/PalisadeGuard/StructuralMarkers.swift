/// Injections that show in the text's structure rather than its words: chat-template tokens,
/// forged tool-call markup, jailbreak output markers, and markdown or HTML images and links
/// whose URL carries a template for data to be smuggled out. One pass; only `<`, `[`, `(`,
/// `!` and the padlock emoji start a look.
enum StructuralMarkers {
    private struct Literal {
        var bytes: [UInt8]
        var family: InjectionFamily
        var confidence: Double
    }

    private static let literals: [Literal] = {
        func literal(_ text: String, _ family: InjectionFamily, _ confidence: Double) -> Literal {
            Literal(bytes: Array(text.utf8), family: family, confidence: confidence)
        }
        return [
            literal("[inst]", .specialTokens, 0.85), literal("[/inst]", .specialTokens, 0.85),
            literal("<<sys>>", .specialTokens, 0.9), literal("<</sys>>", .specialTokens, 0.9),
            literal("<start_of_turn>", .specialTokens, 0.9), literal("<end_of_turn>", .specialTokens, 0.9),
            literal("<function_calls>", .fakeToolOutput, 0.8), literal("</function_calls>", .fakeToolOutput, 0.8),
            literal("<function_results>", .fakeToolOutput, 0.8), literal("</function_results>", .fakeToolOutput, 0.8),
            literal("<function_result>", .fakeToolOutput, 0.8), literal("<tool_result>", .fakeToolOutput, 0.8),
            literal("</tool_result>", .fakeToolOutput, 0.8), literal("<tool_use>", .fakeToolOutput, 0.75),
            literal("<tool_response>", .fakeToolOutput, 0.75), literal("<invoke name=", .fakeToolOutput, 0.8),
            literal("[tool_result]", .fakeToolOutput, 0.75), literal("<tool_call>", .fakeToolOutput, 0.7),
            literal("[jailbreak]", .dualResponse, 0.85), literal("[classic]", .dualResponse, 0.7),
            literal("[\u{1F513}", .dualResponse, 0.9), literal("(\u{1F513}", .dualResponse, 0.9),
            literal("[\u{1F512}", .dualResponse, 0.75),
            literal("(developer mode output)", .dualResponse, 0.9), literal("(normal output)", .dualResponse, 0.75),
        ]
    }()

    /// Words in a URL's query that say it is a template for the model to fill in.
    private static let templateWords: [[UInt8]] = [
        "data", "secret", "conversation", "history", "summary", "base64", "info", "chat", "password", "key", "token",
        "insert", "replace", "placeholder", "here", "message", "prompt", "user", "email", "context", "memory",
        "previous", "content", "credential", "ssn", "answer",
    ].map { Array($0.utf8) }

    /// Matches starting at `candidates` (offsets of `<`, `[`, `(`, `!`, ascending), which the
    /// tokenizer collected on its pass.
    static func scan(_ text: UnsafeBufferPointer<UInt8>, candidates: [Int]) -> [InjectionEngine.Match] {
        var found: [InjectionEngine.Match] = []
        let count = text.count
        var skipUntil = 0
        for index in candidates where index >= skipUntil {
            let byte = text[index]
            switch byte {
            case UInt8(ascii: "<"):
                if let end = chatTemplateToken(text, at: index) {
                    found.append(.init(family: .specialTokens, confidence: 0.9, start: index, end: end))
                    skipUntil = end
                    continue
                }
                if hasPrefix(text, at: index, "<img") {
                    if let match = htmlImage(text, at: index) { found.append(match) }
                }
                literalMatches(text, at: index, into: &found)
            case UInt8(ascii: "["):
                if let match = markdownLink(text, at: index, image: false) { found.append(match) }
                literalMatches(text, at: index, into: &found)
            case UInt8(ascii: "!"):
                if index + 1 < count, text[index + 1] == UInt8(ascii: "["), let match = markdownLink(text, at: index + 1, image: true) {
                    found.append(.init(family: match.family, confidence: match.confidence, start: index, end: match.end))
                }
            case UInt8(ascii: "("):
                literalMatches(text, at: index, into: &found)
            default:
                break
            }
        }
        return found
    }

    private static func literalMatches(_ text: UnsafeBufferPointer<UInt8>, at index: Int, into found: inout [InjectionEngine.Match]) {
        for literal in literals where literal.bytes[0] == text[index] {
            if hasPrefix(text, at: index, literal.bytes) {
                found.append(.init(family: literal.family, confidence: literal.confidence, start: index, end: index + literal.bytes.count))
            }
        }
    }

    private static func hasPrefix(_ text: UnsafeBufferPointer<UInt8>, at index: Int, _ prefix: String) -> Bool {
        let utf8 = prefix.utf8
        guard index + utf8.count <= text.count else { return false }
        for (offset, byte) in utf8.enumerated() where text[index + offset] != byte { return false }
        return true
    }

    private static func hasPrefix(_ text: UnsafeBufferPointer<UInt8>, at index: Int, _ prefix: [UInt8]) -> Bool {
        guard index + prefix.count <= text.count else { return false }
        for offset in prefix.indices where text[index + offset] != prefix[offset] { return false }
        return true
    }

    /// `<|im_start|>`, `<|endoftext|>`, `<|eot_id|>`…: a name of up to 40 characters in `<|…|>`.
    private static func chatTemplateToken(_ text: UnsafeBufferPointer<UInt8>, at index: Int) -> Int? {
        guard index + 4 < text.count, text[index + 1] == UInt8(ascii: "|") else { return nil }
        var cursor = index + 2
        let limit = min(text.count - 1, index + 44)
        while cursor < limit {
            let byte = text[cursor]
            if byte == UInt8(ascii: "|") {
                return text[cursor + 1] == UInt8(ascii: ">") && cursor > index + 2 ? cursor + 2 : nil
            }
            let allowed = (0x61...0x7A).contains(byte) || (0x30...0x39).contains(byte) || byte == UInt8(ascii: "_")
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: ":")
            guard allowed else { return nil }
            cursor += 1
        }
        return nil
    }

    /// `[text](url)` (or an image, `![alt](url)`) whose URL carries a query that is a template
    /// for data, or long enough to be data already.
    private static func markdownLink(_ text: UnsafeBufferPointer<UInt8>, at open: Int, image: Bool) -> InjectionEngine.Match? {
        var cursor = open + 1
        let labelLimit = min(text.count, open + 400)
        while cursor < labelLimit, text[cursor] != UInt8(ascii: "]") {
            if text[cursor] == UInt8(ascii: "\n") { return nil }
            cursor += 1
        }
        guard cursor + 1 < text.count, text[cursor] == UInt8(ascii: "]"), text[cursor + 1] == UInt8(ascii: "(") else { return nil }
        let urlStart = cursor + 2
        var urlEnd = urlStart
        let urlLimit = min(text.count, urlStart + 4096)
        while urlEnd < urlLimit, text[urlEnd] != UInt8(ascii: ")"), text[urlEnd] > 0x20 { urlEnd += 1 }
        guard let confidence = smugglingConfidence(UnsafeBufferPointer(rebasing: text[urlStart..<urlEnd])) else { return nil }
        return .init(family: image ? .markdownImageExfiltration : .linkExfiltration, confidence: image ? confidence : confidence - 0.05,
                     start: open, end: min(text.count, urlEnd + 1))
    }

    /// `<img … src="url">` with the same test on the URL.
    private static func htmlImage(_ text: UnsafeBufferPointer<UInt8>, at open: Int) -> InjectionEngine.Match? {
        var cursor = open + 4
        let limit = min(text.count, open + 600)
        while cursor + 4 < limit {
            if hasPrefix(text, at: cursor, "src=") {
                var urlStart = cursor + 4
                if urlStart < text.count, text[urlStart] == UInt8(ascii: "\"") || text[urlStart] == UInt8(ascii: "'") { urlStart += 1 }
                var urlEnd = urlStart
                while urlEnd < min(text.count, urlStart + 4096), text[urlEnd] > 0x20,
                      text[urlEnd] != UInt8(ascii: "\""), text[urlEnd] != UInt8(ascii: "'"), text[urlEnd] != UInt8(ascii: ">") {
                    urlEnd += 1
                }
                guard let confidence = smugglingConfidence(UnsafeBufferPointer(rebasing: text[urlStart..<urlEnd])) else { return nil }
                return .init(family: .markdownImageExfiltration, confidence: confidence, start: open, end: urlEnd)
            }
            if text[cursor] == UInt8(ascii: ">") { return nil }
            cursor += 1
        }
        return nil
    }

    /// How sure a URL is a channel for smuggling data: an absolute http(s) URL whose query has a
    /// placeholder (`{…}`, `<…>`, `$…`, `[…]`, percent-encoded or not, a word like "data" or
    /// "conversation", a last value left empty) or a value of 24 or more data-like characters.
    /// Nil for an ordinary URL.
    private static func smugglingConfidence(_ url: UnsafeBufferPointer<UInt8>) -> Double? {
        guard hasPrefix(url, at: 0, "http://") || hasPrefix(url, at: 0, "https://") || hasPrefix(url, at: 0, "//"),
              let question = url.firstIndex(of: UInt8(ascii: "?")) else { return nil }
        let query = UnsafeBufferPointer(rebasing: url[(question + 1)...])
        guard query.contains(UInt8(ascii: "=")) else { return nil }
        // "?session=": a value left empty at the end, for the model to fill in.
        if query.last == UInt8(ascii: "=") { return 0.8 }
        for (index, byte) in query.enumerated() {
            // A placeholder's bracket as it is or percent-encoded (`%7B…%7D`).
            var bracket = byte
            if byte == UInt8(ascii: "%"), index + 2 < query.count,
               EncodedPayload.isHexDigit(query[index + 1]), EncodedPayload.isHexDigit(query[index + 2]) {
                bracket = EncodedPayload.hexValue(query[index + 1]) << 4 | EncodedPayload.hexValue(query[index + 2])
            }
            switch bracket {
            case UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "$"),
                 UInt8(ascii: "["), UInt8(ascii: "]"):
                return 0.9
            default:
                continue
            }
        }
        var longestValue = 0
        var value = 0
        for byte in query {
            if byte == UInt8(ascii: "&") || byte == UInt8(ascii: "=") { value = 0; continue }
            value += 1
            longestValue = max(longestValue, value)
        }
        for (index, _) in query.enumerated() {
            guard index == 0 || query[index - 1] == UInt8(ascii: "=") else { continue }
            for word in templateWords where hasPrefix(query, at: index, word) {
                let after = index + word.count
                if after == query.count || !InjectionEngine.wordBytes[Int(query[after])] || query[after] == UInt8(ascii: "_") {
                    return 0.85
                }
            }
        }
        return longestValue >= 24 ? 0.75 : nil
    }
}
