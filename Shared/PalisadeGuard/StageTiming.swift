/// Time spent in each stage of the injection scan, for the throughput benchmark.
@_spi(Benchmarks)
public enum StageTiming {
    public static func measure(_ texts: [String], rounds: Int) -> [(String, Duration)] {
        let engine = InjectionEngine.shared
        var fold = Duration.zero, tokenize = Duration.zero, match = Duration.zero, structural = Duration.zero, whole = Duration.zero
        var sink = 0
        let clock = ContinuousClock()
        for _ in 0..<rounds {
            for text in texts {
                var text = text
                text.withUTF8 { utf8 in
                    var folded: FoldedText?
                    fold += clock.measure { folded = FoldedText(folding: utf8) }
                    guard let folded else { return }
                    folded.bytes.withUnsafeBufferPointer { bytes in
                        var tokens: InjectionEngine.Tokens?
                        tokenize += clock.measure { tokens = engine.tokenize(bytes) }
                        guard let tokens else { return }
                        match += clock.measure { sink &+= engine.matches(tokens.words).count }
                        structural += clock.measure { sink &+= StructuralMarkers.scan(bytes, candidates: tokens.markerCandidates).count }
                    }
                    whole += clock.measure { sink &+= InjectionScanner().scan(utf8: utf8).count }
                }
            }
        }
        return [("fold", fold), ("tokenize", tokenize), ("match", match), ("structural", structural), ("whole injection scan", whole),
                ("(sink)", .nanoseconds(sink % 2))]
    }

    /// Runs one stage (fold, tokenize, match; or a whole scan: injection, dlp, all) over `texts`
    /// for `rounds` rounds and nothing else, for a profiler to look at; the texts are folded
    /// (and tokenized) beforehand.
    public static func repeatStage(_ stage: String, _ texts: [String], rounds: Int) -> Int {
        let engine = InjectionEngine.shared
        let prepared = texts.map { text in
            var text = text
            return text.withUTF8 { utf8 in
                let folded = FoldedText(folding: utf8)
                return (Array(utf8), folded.bytes, folded.bytes.withUnsafeBufferPointer { engine.tokenize($0) })
            }
        }
        var sink = 0
        for _ in 0..<rounds {
            for (original, folded, tokens) in prepared {
                switch stage {
                case "fold": sink &+= original.withUnsafeBufferPointer { FoldedText(folding: $0).bytes.count }
                case "tokenize": sink &+= folded.withUnsafeBufferPointer { engine.tokenize($0).words.count }
                case "injection": sink &+= original.withUnsafeBufferPointer { InjectionScanner().scan(utf8: $0).count }
                case "dlp": sink &+= original.withUnsafeBufferPointer { DLPScanner().scan(utf8: $0).count }
                case "all": sink &+= original.withUnsafeBufferPointer { GuardScanner().scanBytes($0).count }
                default: sink &+= engine.matches(tokens.words).count
                }
            }
        }
        return sink
    }

    /// Per text, on average: words the lexicon knows, texts that need the ROT13 pass, markers,
    /// patterns the chain filter leaves to the matcher.
    public static func counts(_ texts: [String]) -> [(String, Double)] {
        let engine = InjectionEngine.shared
        var known = 0, rot13 = 0, markers = 0, spaced = 0, encoded = 0, possible = 0
        for text in texts {
            var text = text
            text.withUTF8 { utf8 in
                let folded = FoldedText(folding: utf8)
                encoded += folded.encodedRuns.count
                folded.bytes.withUnsafeBufferPointer { bytes in
                    let tokens = engine.tokenize(bytes)
                    known += tokens.words.count
                    tokens.words.withUnsafeBufferPointer { words in
                        possible += engine.chainFilter.plan(words, rot13: false).patterns.count
                    }
                    rot13 += tokens.hasROT13 ? 1 : 0
                    markers += tokens.markerCandidates.count
                    spaced += tokens.spacedRuns.count
                }
            }
        }
        let n = Double(max(1, texts.count))
        return [("known words", Double(known) / n), ("ROT13 pass", Double(rot13) / n), ("marker candidates", Double(markers) / n),
                ("spaced runs", Double(spaced) / n), ("encoded runs", Double(encoded) / n),
                ("patterns past the chain filter", Double(possible) / n)]
    }
}
