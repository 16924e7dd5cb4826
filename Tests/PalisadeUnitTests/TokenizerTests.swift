@testable import PalisadeGuard
import Testing

/// The bitmap tokenizer, the perfect-hash lexicon and the chain filter against plain
/// implementations of what they promise, on seeded texts built to hit their edges: tokens
/// across 64-byte elements, texts ending on one, tokens of more than 64 bytes, hyphenated
/// chains, digits in words, single letters, markers, scripts without spaces.
@Suite struct TokenizerTests {
    let engine = InjectionEngine.shared

    /// A byte at a time, as the tokenizer was first written: the specification the bitmap
    /// tokenizer must keep.
    private func referenceTokens(_ text: [UInt8]) -> InjectionEngine.Tokens {
        var tokens = InjectionEngine.Tokens()
        let isWord = { (byte: UInt8) in InjectionEngine.wordBytes[Int(byte)] }
        var tokenRanges: [Range<Int>] = []
        var index = 0
        while index < text.count {
            if !isWord(text[index]) {
                if [UInt8(ascii: "<"), UInt8(ascii: "["), UInt8(ascii: "("), UInt8(ascii: "!")].contains(text[index]) {
                    tokens.markerCandidates.append(index)
                }
                index += 1
                continue
            }
            let start = index
            while index < text.count, isWord(text[index]) { index += 1 }
            tokenRanges.append(start..<index)
        }
        let leet: [UInt8: UInt8] = [0x30: 0x6F, 0x31: 0x69, 0x33: 0x65, 0x34: 0x61, 0x35: 0x73, 0x37: 0x74, 0x38: 0x62, 0x39: 0x67]
        func entry(_ bytes: [UInt8]) -> Int32 { engine.lexicon.withView { view in bytes.withUnsafeBufferPointer { view.lookup($0) } } }
        var ordinal: Int32 = 0
        var run: [Range<Int>] = []
        var chain: [UInt8] = []
        var chainStart = 0
        var previousEnd: Int?
        for range in tokenRanges {
            let word = Array(text[range])
            if word.count == 1 && (0x61...0x7A).contains(word[0]) {
                run.append(range)
            } else {
                if run.count >= 5, let first = run.first, let last = run.last { tokens.spacedRuns.append(first.lowerBound..<last.upperBound) }
                run = []
            }
            if word.count <= Lexicon.maximumWordLength {
                var id = entry(word)
                let digits = word.filter { (0x30...0x39).contains($0) }.count
                if id == 0 && word.count > 1 && digits > 0 && digits < word.count { id = entry(word.map { leet[$0] ?? $0 }) }
                if id != 0 {
                    let gap = Array(text[(previousEnd ?? 0)..<range.lowerBound])
                    let separators = gap.filter { $0 != 0x20 && $0 != 0x09 }
                    var markers: UInt8 = 0
                    if previousEnd == nil || gap.contains(0x0A) { markers |= InjectionEngine.Marker.lineStart }
                    let after = text[range.upperBound...].first { $0 != 0x20 && $0 != 0x09 }
                    if let after, Array(":]>|".utf8).contains(after) { markers |= InjectionEngine.Marker.colonAfter }
                    if let after, Array("*#=!".utf8).contains(after) { markers |= InjectionEngine.Marker.decoratedAfter }
                    let isWholeName = range.upperBound == text.count || !Array("-_".utf8).contains(text[range.upperBound])
                    if isWholeName, separators.suffix(2) == [UInt8(ascii: "<"), UInt8(ascii: "/")], text[range.lowerBound - 1] == UInt8(ascii: "/") {
                        markers |= InjectionEngine.Marker.closingTag
                    } else if isWholeName, let last = separators.last, Array("[<({".utf8).contains(last) {
                        markers |= InjectionEngine.Marker.bracketed
                    } else if separators.last == UInt8(ascii: "|"), engine.lexicon.classes[Int(id)].intersects(Vocabulary.shellName) {
                        markers |= InjectionEngine.Marker.shellPipe
                    }
                    if !engine.lexicon.rot13Classes[Int(id)].isEmpty { tokens.hasROT13 = true }
                    tokens.words.append(.init(ordinal: ordinal, start: Int32(range.lowerBound), end: Int32(range.upperBound), entry: id, markers: markers))
                }
            }
            if word[0] >= 0xE3, word.contains(where: { (0xE3...0xED).contains($0) }) {
                var at = 0
                while at + 2 < word.count {
                    let terms = engine.unspaced[InjectionEngine.key(word[at], word[at + 1], word[at + 2])] ?? []
                    guard (0xE3...0xED).contains(word[at]),
                          let (term, id) = terms.first(where: { at + $0.0.count <= word.count && Array(word[at..<at + $0.0.count]) == $0.0 }) else {
                        at += 1
                        continue
                    }
                    tokens.words.append(.init(ordinal: ordinal, start: Int32(range.lowerBound + at), end: Int32(range.lowerBound + at + term.count),
                                              entry: id, markers: 0))
                    at += term.count
                }
            }
            let joined = !chain.isEmpty && range.lowerBound >= 1 && text[range.lowerBound - 1] == UInt8(ascii: "-")
                && previousEnd == range.lowerBound - 1
            if joined {
                chain += word
                let id = chain.count <= Lexicon.maximumWordLength ? entry(chain) : 0
                if id != 0 && !engine.lexicon.classes[Int(id)].isEmpty {
                    tokens.words.append(.init(ordinal: ordinal, start: Int32(chainStart), end: Int32(range.upperBound), entry: id, markers: 0))
                }
            }
            let continues = range.upperBound + 1 < text.count && text[range.upperBound] == UInt8(ascii: "-") && isWord(text[range.upperBound + 1])
            if continues {
                if !joined {
                    chain = word
                    chainStart = range.lowerBound
                }
            } else {
                chain = []
                ordinal += 1
            }
            previousEnd = range.upperBound
        }
        if run.count >= 5, let first = run.first, let last = run.last { tokens.spacedRuns.append(first.lowerBound..<last.upperBound) }
        return tokens
    }

    /// Texts of lexicon words, other words, digits, separators and non-ASCII, from a seed.
    private func texts(count: Int, seed: UInt64) -> [[UInt8]] {
        var choices = SeededChoices(seed: seed)
        func next(_ bound: Int) -> Int { choices.next(bound) }
        let vocabulary = Vocabulary.english.flatMap(\.1) + Vocabulary.otherLanguages.flatMap(\.1) + Vocabulary.unspacedTerms.flatMap(\.1)
        let others = ["the", "a", "i", "x", "q", "zzz", "1gn0re", "pr3v10us", "in-struc-tions", "sys-tem", "42", "ü", "naïve",
                      "supercalifragilisticexpialidociousnessofitallandmore", String(repeating: "a", count: 70), "日本語の文章", "무시"]
        let separators = [" ", " ", " ", "  ", "\n", "\t", ": ", " : ", "-", " - ", "[", "] ", "<", "</", "> ", "(", ") ", "{", " | ",
                          "!", ", ", ". ", "/", "\"", "'"]
        return (0..<count).map { _ in
            var text = ""
            let words = next(120)
            for _ in 0..<words {
                let word = next(3) == 0 ? others[next(others.count)] : vocabulary[next(vocabulary.count)]
                text += word
                text += separators[next(separators.count)]
            }
            return InjectionEngine.fold(text)
        }
    }

    private func tokens(_ text: [UInt8]) -> InjectionEngine.Tokens { text.withUnsafeBufferPointer { engine.tokenize($0) } }

    @Test func bitmapTokenizerKeepsTheByteAtATimeSpecification() {
        var compared = 0
        var known = 0
        for text in texts(count: 3_000, seed: 11) {
            let fast = tokens(text)
            let reference = referenceTokens(text)
            #expect(fast.spacedRuns == reference.spacedRuns)
            #expect(fast.markerCandidates == reference.markerCandidates)
            #expect(fast.hasROT13 == reference.hasROT13)
            #expect(fast.words.count == reference.words.count)
            for (mine, theirs) in zip(fast.words, reference.words) {
                #expect(mine.ordinal == theirs.ordinal && mine.start == theirs.start && mine.end == theirs.end && mine.entry == theirs.entry)
                // Markers are worked out only for the words a pattern asks them of.
                if engine.needsMarkers[Int(mine.entry)] { #expect(mine.markers == theirs.markers) }
            }
            compared += 1
            known += reference.words.count
        }
        #expect(compared == 3_000)
        #expect(known > 100_000)
    }

    @Test func textsEndingAtAnElementBoundaryAndLongTokens() {
        for length in [1, 7, 8, 9, 63, 64, 65, 127, 128, 129, 200] {
            for filler in ["ignore", "a", "x9", "zzzzzzzz"] {
                var text = Array(String(repeating: filler + " ", count: length).utf8.prefix(length))
                #expect(tokens(text).words.map(\.start) == referenceTokens(text).words.map(\.start), "\(length) \(filler)")
                text = Array(repeating: UInt8(ascii: "q"), count: length)
                #expect(tokens(text).words.count == referenceTokens(text).words.count)
            }
        }
    }

    @Test func lexiconFindsEveryWordAndNothingElse() {
        let words = Vocabulary.english.flatMap(\.1).map(InjectionEngine.fold)
        for word in words { #expect(engine.lexicon.lookup(word) != nil, "\(word)") }
        let slips = Misspellings.words.flatMap { Misspellings.variants(of: $0) }.map(InjectionEngine.fold)
        for slip in slips { #expect(engine.lexicon.lookup(slip) != nil, "\(slip)") }
        let lexicon = Set(words + words.map { $0.map(InjectionEngine.rot13) } + Vocabulary.otherLanguages.flatMap(\.1).map(InjectionEngine.fold)
                          + slips)
        // Near misses: a letter more, a letter less, a letter changed, and a word's 16-byte head
        // and tail around something else.
        for word in words where word.count > 1 {
            for miss in [word + [0x71], Array(word.dropLast()), [0x71] + word.dropFirst()] where !lexicon.contains(miss) {
                #expect(engine.lexicon.lookup(miss) == nil, "\(miss)")
            }
        }
        #expect(engine.lexicon.lookup(Array("preprogrammedxyzpreprogrammed".utf8)) == nil)
    }

    @Test func keysLoadedInPlaceEqualKeysBuiltByteByByte() {
        let text = Array("the quick brown fox jumps over the lazy dog, twice: the quick brown fox".utf8) + Array(repeating: 0, count: 8)
        text.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            for start in 0..<(buffer.count - 8) {
                for length in 1...min(40, buffer.count - 8 - start) {
                    let loaded = Lexicon.Key(loading: UnsafeRawPointer(base + start), count: length)
                    let built = Lexicon.Key(UnsafeBufferPointer(rebasing: buffer[start..<start + length]))
                    #expect(loaded.head == built.head && loaded.tail == built.tail)
                }
            }
        }
    }

    @Test func theChainFilterDropsNoMatch() {
        var matched = 0
        for text in texts(count: 2_000, seed: 29) + texts(count: 200, seed: 31).map({ $0 + Array(" ".utf8) + $0 + $0 + $0 }) {
            let words = tokens(text).words
            for rot13 in [false, true] {
                let filtered = engine.matches(words, rot13: rot13)
                let exhaustive = engine.matches(words, rot13: rot13, filtered: false)
                #expect(filtered.sorted(by: Self.order) == exhaustive.sorted(by: Self.order))
                matched += exhaustive.count
            }
        }
        #expect(matched > 1_000)
    }

    private static func order(_ a: InjectionEngine.Match, _ b: InjectionEngine.Match) -> Bool {
        (a.start, a.end, a.family.rawValue, a.confidence) < (b.start, b.end, b.family.rawValue, b.confidence)
    }
}
