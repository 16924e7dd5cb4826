import CGuardBytes

/// Prompt-injection detection over one text: folds it (see `FoldedText`), matches the word
/// patterns and the structural markers, then looks inside what hides text — Unicode tag
/// characters, invisible characters, base64 and hex runs, bytes written as escapes
/// (`\x69`, `0x69`, `%69`), letters spelled one at a time,
/// strings split into quoted pieces — and matches the patterns over what they hid.
public struct InjectionScanner: Sendable {
    let engine: InjectionEngine
    /// Built with the scanner (once a process), not on the first tool output: building it takes
    /// longer than a call's detector budget allows, and that call would be refused or bypassed.
    let toolOutputEngine: InjectionEngine

    public init() {
        engine = .shared
        toolOutputEngine = .toolOutput
    }

    init(engine: InjectionEngine) {
        self.engine = engine
        toolOutputEngine = .toolOutput
    }

    /// Encoded text inside encoded text is decoded this many times at most.
    static let maximumDecodingDepth = 2

    /// Findings with spans in bytes of `utf8`. A tool's output (`toolOutput`) is also matched
    /// against the patterns of requests planted in it, in its plain text.
    func scan(utf8: UnsafeBufferPointer<UInt8>, depth: Int = 0, toolOutput: Bool = false) -> [ByteFinding] {
        Self.merged(hits(utf8: utf8, depth: depth, toolOutput: toolOutput))
    }

    /// One family over a span of the original bytes, before overlapping hits are merged.
    struct Hit {
        var family: InjectionFamily
        var start: Int
        var end: Int
        var confidence: Double
    }

    private func hits(utf8: UnsafeBufferPointer<UInt8>, depth: Int, toolOutput: Bool = false) -> [Hit] {
        let folded = FoldedText(folding: utf8)
        var findings: [Hit] = []
        folded.bytes.withUnsafeBufferPointer { text in
            let (matches, tokens) = engine.scan(text)
            var local = matches + StructuralMarkers.scan(text, candidates: tokens.markerCandidates)
            if toolOutput { local += toolOutputEngine.scan(text).matches }
            for run in tokens.spacedRuns {
                guard let rebuilt = SpacedText.rebuild(UnsafeBufferPointer(rebasing: text[run]), lexicon: engine.lexicon) else { continue }
                if let best = strongest(engine.scan(rebuilt)) {
                    local.append(.init(family: .spacedCharacters, confidence: best.confidence, start: run.lowerBound, end: run.upperBound))
                }
            }
            // Pieces are joined only where the text joins something: a `+` or a word like "concatenate".
            let joins = guard_contains_byte(text.baseAddress, text.count, UInt8(ascii: "+")) || engine.contains(Vocabulary.combine, in: tokens)
            if joins, let joinings = QuotedPieces.join(text) {
                for joined in joinings {
                    let split = engine.scan(joined.text).filter { match in
                        // Only a match that needs two pieces is a split payload.
                        joined.pieceStarts.contains { $0 > match.start && $0 < match.end }
                    }
                    if let best = strongest(split) {
                        local.append(.init(family: .payloadSplitting, confidence: best.confidence,
                                           start: joined.span.lowerBound, end: joined.span.upperBound))
                        break
                    }
                }
            }
            for match in local {
                findings.append(Hit(
                    family: match.family,
                    start: folded.origin(match.start, originalCount: utf8.count),
                    end: folded.origin(match.end, originalCount: utf8.count), confidence: match.confidence
                ))
            }
        }
        findings += hiddenTextFindings(folded)
        guard depth < Self.maximumDecodingDepth else { return findings }
        // Encoded text: base64 and hex runs, and bytes written as escapes.
        var encoded: [(family: InjectionFamily, span: Range<Int>, text: [UInt8])] = []
        for run in folded.encodedRuns {
            guard let (kind, decoded) = EncodedPayload.decode(UnsafeBufferPointer(rebasing: utf8[run])) else { continue }
            encoded.append((kind == .hex ? .hexPayload : .base64Payload, run, decoded))
        }
        for run in EscapedBytes.runs(utf8) where EncodedPayload.isText(run.bytes) {
            encoded.append((.hexPayload, run.span, run.bytes))
        }
        for (family, span, text) in encoded {
            // Merging keeps the most confident of overlapping hits, so the best unmerged hit is the same.
            let inner = text.withUnsafeBufferPointer { hits(utf8: $0, depth: depth + 1) }
            guard let best = inner.max(by: { $0.confidence < $1.confidence }) else { continue }
            findings.append(Hit(family: family, start: span.lowerBound, end: span.upperBound, confidence: best.confidence))
        }
        return findings
    }

    private func strongest(_ matches: [InjectionEngine.Match]) -> InjectionEngine.Match? {
        matches.max { $0.confidence < $1.confidence }
    }

    private func hiddenTextFindings(_ folded: FoldedText) -> [Hit] {
        var findings: [Hit] = []
        if let span = folded.hiddenSpan, folded.hidden.count >= 2 {
            // Text no reader can see is an attack by itself; instructions in it are certain.
            let instructions = strongest(engine.scan(folded.hidden))
            findings.append(Hit(family: .unicodeTags, start: span.lowerBound, end: span.upperBound,
                                confidence: instructions == nil ? 0.9 : 0.99))
        }
        if let span = folded.invisibleSpan, folded.suspiciousInvisibleCount >= 3 {
            findings.append(Hit(family: .invisibleText, start: span.lowerBound, end: span.upperBound,
                                confidence: folded.suspiciousInvisibleCount >= 8 ? 0.85 : 0.7))
        }
        if folded.bidiCount > 0, let span = folded.invisibleSpan {
            findings.append(Hit(family: .bidiOverride, start: span.lowerBound, end: span.upperBound, confidence: 0.7))
        }
        return findings
    }

    /// One finding per family and overlapping span, the most confident kept. Hits are taken in
    /// order of span, and each joins the last kept hit of its family when it starts before that
    /// one ends. That hit is found by looking back through the kept ones (each family's look-backs
    /// add up to the kept count at most); a dictionary by family hashed the family's name for
    /// every hit.
    static func merged(_ hits: [Hit]) -> [ByteFinding] {
        let ordered = hits.sorted { ($0.start, $0.end) < ($1.start, $1.end) }
        var kept: [Hit] = []
        for hit in ordered {
            if let index = kept.lastIndex(where: { $0.family == hit.family }), hit.start < kept[index].end {
                kept[index].end = max(kept[index].end, hit.end)
                kept[index].confidence = max(kept[index].confidence, hit.confidence)
            } else {
                kept.append(hit)
            }
        }
        return kept
            .map { ByteFinding(detector: $0.family.rawValue, category: .injection, start: $0.start, end: $0.end, confidence: $0.confidence) }
            .sorted { ($0.start, $0.end, $0.detector) < ($1.start, $1.end, $1.detector) }
    }
}
