import CGuardBytes

/// Folded text to the words the lexicon knows, with what else the scanner needs from the
/// same pass (runs of single letters, where structural markers may start, whether a ROT13
/// pass is due).
///
/// Bytes are classified sixteen at a time into bitmaps (`guard_classify_folded`), so a token's
/// bounds are two bit scans rather than a loop whose exit the branch predictor misses once a
/// word. The lexicon is looked up for every token and the word stored whether or not it was
/// found, the count advancing by one or zero: in prose, known and unknown words alternate
/// unpredictably, and a branch on it cost more than the lookup. What is rare (single letters,
/// hyphenated chains, digits in a word, scripts without spaces) takes a slow path behind one
/// well-predicted test; a word's markers are worked out only for the words a pattern asks
/// them of.
struct Tokenizer {
    let engine: InjectionEngine
    let lexicon: Lexicon.View
    let text: UnsafeBufferPointer<UInt8>
    let base: UnsafePointer<UInt8>
    let count: Int
    /// Bitmaps of `guard_classify_folded`, each with two zero elements past the text.
    let wordBits: UnsafePointer<UInt64>
    let digitBits: UnsafePointer<UInt64>
    let markerBits: UnsafePointer<UInt64>
    let elements: Int

    static func tokenize(_ text: UnsafeBufferPointer<UInt8>, engine: InjectionEngine) -> InjectionEngine.Tokens {
        guard let base = text.baseAddress, !text.isEmpty else { return .init() }
        let elements = (text.count + 63) / 64
        // Two zero elements past the text: a 64-bit window may start at its end.
        let stride = elements + 2
        return withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 3 * stride) { bitmaps in
            guard let words = bitmaps.baseAddress else { return .init() }
            let digits = words + stride
            let markers = digits + stride
            guard_classify_folded(base, text.count, words, digits, markers)
            for element in elements..<stride {
                words[element] = 0
                digits[element] = 0
                markers[element] = 0
            }
            return engine.lexicon.withView { lexicon in
                Tokenizer(engine: engine, lexicon: lexicon, text: text, base: base, count: text.count,
                          wordBits: words, digitBits: digits, markerBits: markers, elements: elements).run()
            }
        }
    }

    /// The words, in the order the matcher reads them: each token's own word, then the terms
    /// found inside it, then the hyphenated chain it ends.
    private struct WordBuffer: ~Copyable {
        var words: UnsafeMutablePointer<InjectionEngine.Word>
        var count = 0
        var capacity: Int

        init(capacity: Int) {
            self.capacity = capacity
            words = .allocate(capacity: capacity)
        }

        deinit { words.deallocate() }

        /// Room for `extra` more words, besides one for every token that can still follow
        /// `position` (the hot path stores without checking).
        mutating func reserve(_ extra: Int, textCount: Int, position: Int) {
            let needed = count + extra + (textCount - position) / 2 + 2
            guard needed > capacity else { return }
            let grown = max(needed, capacity * 2)
            let moved = UnsafeMutablePointer<InjectionEngine.Word>.allocate(capacity: grown)
            moved.moveInitialize(from: words, count: count)
            words.deallocate()
            words = moved
            capacity = grown
        }

        mutating func append(_ word: InjectionEngine.Word) {
            words[count] = word
            count += 1
        }

        func array() -> [InjectionEngine.Word] { Array(UnsafeBufferPointer(start: words, count: count)) }
    }

    /// `Word.markers` of words stored without any (a chain or a term inside a token), so the
    /// marker pass leaves them at zero.
    private static let noMarkers: UInt8 = 0x80

    private func run() -> InjectionEngine.Tokens {
        var tokens = InjectionEngine.Tokens()
        // A token is at least one byte and a separator, so (count + 1) / 2 tokens at most.
        var buffer = WordBuffer(capacity: count / 2 + 2)
        var position = 0
        var ordinal: Int32 = 0
        var spellsROT13: UInt8 = 0
        var singleLetterRun = 0
        var runStart = 0
        var runEnd = 0
        var chain = Chain()
        let probe = lexicon.probe
        engine.spellsROT13.withUnsafeBufferPointer { rot13 in
            while case let (start, end)? = nextToken(from: position) {
                position = end
                let length = end &- start
                let first = base[start]
                // Runs of single letters ("i g n o r e"), kept for `SpacedText`. Single letters
                // are frequent enough ("a", the "t" of "don't") that a branch on them misses.
                let singleLetter = length == 1 && first &- 0x61 < 26
                if !singleLetter && singleLetterRun >= 5 { tokens.spacedRuns.append(runStart..<runEnd) }
                runStart = Int(guard_select(singleLetter && singleLetterRun == 0, Int64(start), Int64(runStart)))
                runEnd = Int(guard_select(singleLetter, Int64(end), Int64(runEnd)))
                singleLetterRun = Int(guard_select(singleLetter, Int64(singleLetterRun &+ 1), 0))
                var entry: Int32 = 0
                if length <= Lexicon.maximumWordLength {
                    entry = lookup(start, length, probe)
                    // Digits read as letters ("1gn0re"), for a token of digits and letters that is
                    // not a word as it stands (tested in this order: known or not is a coin toss).
                    let digits = bits(digitBits, from: start) & Self.lowBits(length)
                    if digits != 0 && digits != Self.lowBits(length) && entry == 0 { entry = leetLookup(start, length) }
                }
                buffer.words[buffer.count] = InjectionEngine.Word(ordinal: ordinal, start: Int32(truncatingIfNeeded: start),
                                                                  end: Int32(truncatingIfNeeded: end), entry: entry, markers: 0)
                buffer.count &+= entry != 0 ? 1 : 0
                spellsROT13 |= rot13[Int(entry)]
                let hyphenAfter = end < count && base[end] == UInt8(ascii: "-")
                var continues = false
                if first >= 0xE3 || hyphenAfter || chain.isActive {
                    continues = rareToken(start, end, hyphenAfter: hyphenAfter, ordinal: ordinal, chain: &chain, buffer: &buffer)
                }
                // The pieces of a hyphenated word count as one word for the gaps.
                ordinal &+= continues ? 0 : 1
            }
        }
        if singleLetterRun >= 5 { tokens.spacedRuns.append(runStart..<runEnd) }
        tokens.hasROT13 = spellsROT13 != 0
        markWords(buffer.words, count: buffer.count)
        tokens.words = buffer.array()
        tokens.markerCandidates = setBits(markerBits)
        return tokens
    }

    /// A hyphenated run ("in-struc-tions") being joined, to be looked up whole as well.
    private struct Chain {
        var bytes: [UInt8] = []
        var start = 0
        var end = -2
        var isActive: Bool { !bytes.isEmpty }
    }

    /// A token of a script written without spaces, or next to a hyphen: rare, and kept out of
    /// the loop so that the common token's state stays in registers. Returns whether the token
    /// goes on into a hyphenated chain (which then shares its ordinal).
    @inline(never)
    private func rareToken(_ start: Int, _ end: Int, hyphenAfter: Bool, ordinal: Int32, chain: inout Chain,
                           buffer: inout WordBuffer) -> Bool {
        let length = end - start
        // Scripts written without spaces: their terms are found inside the token.
        if base[start] >= 0xE3, UnsafeBufferPointer(rebasing: text[start..<end]).contains(where: { $0 >= 0xE3 && $0 <= 0xED }) {
            appendUnspacedTerms(start..<end, ordinal: ordinal, to: &buffer)
        }
        let joined = chain.isActive && start == chain.end + 1 && base[chain.end] == UInt8(ascii: "-")
        if joined {
            chain.bytes.append(contentsOf: UnsafeBufferPointer(start: base + start, count: length))
            if chain.bytes.count <= Lexicon.maximumWordLength {
                let chained = chain.bytes.withUnsafeBufferPointer { lexicon.lookup($0) }
                if chained != 0 && !lexicon.classes[Int(chained)].isEmpty {
                    buffer.reserve(1, textCount: count, position: end)
                    buffer.append(.init(ordinal: ordinal, start: Int32(chain.start), end: Int32(end), entry: chained,
                                        markers: Self.noMarkers))
                }
            }
        }
        let continues = hyphenAfter && end + 1 < count && bits(wordBits, from: end + 1) & 1 != 0
        if continues {
            if !joined {
                chain.bytes.removeAll(keepingCapacity: true)
                chain.bytes.append(contentsOf: UnsafeBufferPointer(start: base + start, count: length))
                chain.start = start
            }
            chain.end = end
        } else if chain.isActive {
            chain.bytes.removeAll(keepingCapacity: true)
        }
        return continues
    }

    // MARK: Bits

    @inline(__always)
    private static func lowBits(_ count: Int) -> UInt64 { (1 &<< UInt64(truncatingIfNeeded: count)) &- 1 }

    /// The 64 bits of `bitmap` from bit `start` on (bits past the text are zero).
    @inline(__always)
    private func bits(_ bitmap: UnsafePointer<UInt64>, from start: Int) -> UInt64 {
        let element = start &>> 6
        let shift = UInt64(truncatingIfNeeded: start & 63)
        // Shifted in two steps so that a shift of 0 takes nothing from the next element.
        return bitmap[element] &>> shift | (bitmap[element &+ 1] &<< 1) &<< (63 &- shift)
    }

    /// The next token at or after `position`: a maximal run of word bytes. Read through
    /// 64-bit windows, so that a token or gap crossing an element costs no branch.
    @inline(__always)
    private func nextToken(from position: Int) -> (Int, Int)? {
        var from = position
        guard from < count else { return nil }
        var ahead = bits(wordBits, from: from)
        while ahead == 0 {
            from &+= 64
            guard from < count else { return nil }
            ahead = bits(wordBits, from: from)
        }
        let start = from &+ ahead.trailingZeroBitCount
        // Past the text the bits are zero, so a token always ends.
        var to = start
        var rest = ~bits(wordBits, from: to)
        while rest == 0 {
            to &+= 64
            rest = ~bits(wordBits, from: to)
        }
        return (start, to &+ rest.trailingZeroBitCount)
    }

    /// The offsets of the set bits of `bitmap`, ascending.
    private func setBits(_ bitmap: UnsafePointer<UInt64>) -> [Int] {
        var offsets: [Int] = []
        for element in 0..<elements {
            var remaining = bitmap[element]
            while remaining != 0 {
                offsets.append(element << 6 | remaining.trailingZeroBitCount)
                remaining &= remaining &- 1
            }
        }
        return offsets
    }

    /// The end of the token before `start`, or nil when it is the first.
    private func previousTokenEnd(before start: Int) -> Int? {
        var element = start >> 6
        var current = wordBits[element] & Self.lowBits(start & 63)
        while current == 0 {
            guard element > 0 else { return nil }
            element -= 1
            current = wordBits[element]
        }
        return element << 6 | (63 - current.leadingZeroBitCount) + 1
    }

    // MARK: Lookups

    @inline(__always)
    private func lookup(_ start: Int, _ length: Int, _ probe: Lexicon.Probe) -> Int32 {
        let key = start &+ 8 <= count
            ? Lexicon.Key(loading: UnsafeRawPointer(base + start), count: length)
            : Lexicon.Key(UnsafeBufferPointer(start: base + start, count: length))
        return probe.lookup(key, count: length, at: base + start)
    }

    /// Digits read as the letters they stand for ("1gn0re" → "ignore").
    private func leetLookup(_ start: Int, _ length: Int) -> Int32 {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: length) { buffer in
            Self.leetLetters.withUnsafeBufferPointer { letters in
                for index in 0..<length { buffer[index] = letters[Int(base[start + index])] }
            }
            return lexicon.lookup(UnsafeBufferPointer(buffer))
        }
    }

    /// By byte: the letter a digit stands for in leetspeak, or the byte itself (a table, not a
    /// switch: the digits of hashes and identifiers made its branches a coin toss).
    private static let leetLetters: [UInt8] = (0...255).map { byte in
        switch UInt8(byte) {
        case UInt8(ascii: "0"): UInt8(ascii: "o")
        case UInt8(ascii: "1"): UInt8(ascii: "i")
        case UInt8(ascii: "3"): UInt8(ascii: "e")
        case UInt8(ascii: "4"): UInt8(ascii: "a")
        case UInt8(ascii: "5"): UInt8(ascii: "s")
        case UInt8(ascii: "7"): UInt8(ascii: "t")
        case UInt8(ascii: "8"): UInt8(ascii: "b")
        case UInt8(ascii: "9"): UInt8(ascii: "g")
        default: UInt8(byte)
        }
    }

    /// Terms of unspaced scripts inside one token, as words of their own at the token's ordinal.
    private func appendUnspacedTerms(_ range: Range<Int>, ordinal: Int32, to buffer: inout WordBuffer) {
        var index = range.lowerBound
        while index + 2 < range.upperBound {
            let lead = text[index]
            guard lead >= 0xE3 && lead <= 0xED,
                  let candidates = engine.unspaced[InjectionEngine.key(lead, text[index + 1], text[index + 2])] else {
                index += 1
                continue
            }
            var advanced = false
            for (term, entry) in candidates where index + term.count <= range.upperBound {
                if term.indices.allSatisfy({ text[index + $0] == term[$0] }) {
                    buffer.reserve(1, textCount: count, position: range.upperBound)
                    buffer.append(.init(ordinal: ordinal, start: Int32(index), end: Int32(index + term.count), entry: entry,
                                        markers: Self.noMarkers))
                    index += term.count
                    advanced = true
                    break
                }
            }
            if !advanced { index += 1 }
        }
    }

    // MARK: Markers

    /// Works out the markers of the words a pattern asks them of, from the separators between
    /// each word and the token before it and what follows it.
    private func markWords(_ words: UnsafeMutablePointer<InjectionEngine.Word>, count wordCount: Int) {
        typealias Marker = InjectionEngine.Marker
        engine.needsMarkers.withUnsafeBufferPointer { needsMarkers in
            for index in 0..<wordCount {
                let word = words[index]
                if word.markers == Self.noMarkers {
                    words[index].markers = 0
                    continue
                }
                guard needsMarkers[Int(word.entry)] else { continue }
                let start = Int(word.start)
                let gapStart = previousTokenEnd(before: start)
                var lineStart = gapStart == nil
                // The last two separators other than spaces and tabs since the token before.
                var last: UInt8 = 0
                var previous: UInt8 = 0
                var cursor = start - 1
                while cursor >= (gapStart ?? 0) {
                    let byte = base[cursor]
                    if byte == 0x0A { lineStart = true }
                    if byte != 0x20 && byte != 0x09 {
                        if last == 0 { last = byte } else if previous == 0 { previous = byte }
                    }
                    cursor -= 1
                }
                var markers: UInt8 = 0
                if lineStart { markers |= Marker.lineStart }
                switch byteAfterSpaces(Int(word.end)) {
                case UInt8(ascii: ":"), UInt8(ascii: "]"), UInt8(ascii: ">"), UInt8(ascii: "|"):
                    markers |= Marker.colonAfter
                case UInt8(ascii: "*"), UInt8(ascii: "#"), UInt8(ascii: "="), UInt8(ascii: "!"):
                    markers |= Marker.decoratedAfter
                default:
                    break
                }
                // A tag's name is the whole name: "<system-config>" is not "<system>".
                let isWholeName = !nameGoesOn(after: Int(word.end))
                if isWholeName && last == UInt8(ascii: "/") && previous == UInt8(ascii: "<") && start >= 2 && base[start - 1] == UInt8(ascii: "/") {
                    markers |= Marker.closingTag
                } else if isWholeName && (last == UInt8(ascii: "[") || last == UInt8(ascii: "<") || last == UInt8(ascii: "(") || last == UInt8(ascii: "{")) {
                    markers |= Marker.bracketed
                } else if last == UInt8(ascii: "|"), lexicon.classes[Int(word.entry)].intersects(Vocabulary.shellName) {
                    markers |= Marker.shellPipe
                }
                words[index].markers = markers
            }
        }
    }

    private func nameGoesOn(after index: Int) -> Bool {
        index < count && (base[index] == UInt8(ascii: "-") || base[index] == UInt8(ascii: "_"))
    }

    /// The first byte at or after `index` that is not a space or a tab (0 at the end).
    private func byteAfterSpaces(_ index: Int) -> UInt8 {
        var index = index
        while index < count, base[index] == 0x20 || base[index] == 0x09 { index += 1 }
        return index < count ? base[index] : 0
    }
}
