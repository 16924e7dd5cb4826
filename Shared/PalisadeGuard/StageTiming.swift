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

    /// Per text, on average: words the lexicon knows, texts that need the ROT13 pass, markers.
    public static func counts(_ texts: [String]) -> [(String, Double)] {
        let engine = InjectionEngine.shared
        var known = 0, rot13 = 0, markers = 0, spaced = 0, encoded = 0
        for text in texts {
            var text = text
            text.withUTF8 { utf8 in
                let folded = FoldedText(folding: utf8)
                encoded += folded.encodedRuns.count
                folded.bytes.withUnsafeBufferPointer { bytes in
                    let tokens = engine.tokenize(bytes)
                    known += tokens.words.count
                    rot13 += tokens.hasROT13 ? 1 : 0
                    markers += tokens.markerCandidates.count
                    spaced += tokens.spacedRuns.count
                }
            }
        }
        let n = Double(max(1, texts.count))
        return [("known words", Double(known) / n), ("ROT13 pass", Double(rot13) / n), ("marker candidates", Double(markers) / n),
                ("spaced runs", Double(spaced) / n), ("encoded runs", Double(encoded) / n)]
    }
}
