/// Tokenizes folded text into the words the lexicon knows and matches the injection patterns
/// over them. One pass over the bytes; each word costs one hash and, when it is in the
/// lexicon, a look at the few patterns that start with its classes. Every pattern step looks
/// at most `gap + 1` words ahead, so matching is linear in the number of words.
struct InjectionEngine: Sendable {
    /// A word the lexicon knows (others are only counted, for the gaps).
    struct Word: Sendable {
        /// Position among all words of the text, known or not.
        var ordinal: Int32
        var start: Int32
        var end: Int32
        /// Its lexicon entry (`Lexicon.classes`).
        var entry: Int32
        /// `Marker` bits: where the word stands (line start, before a colon, in brackets…).
        var markers: UInt8
    }

    /// Where a word stands, as bits of `Word.markers`, each the twin of a `Vocabulary` marker class.
    enum Marker {
        static let lineStart: UInt8 = 1
        static let colonAfter: UInt8 = 2
        static let bracketed: UInt8 = 4
        static let closingTag: UInt8 = 8
        static let shellPipe: UInt8 = 16

        /// The marker classes of each combination of marker bits.
        static let classes: [WordClasses] = (0..<32).map { bits in
            var classes = WordClasses.none
            if bits & 1 != 0 { classes |= Vocabulary.lineStart }
            if bits & 2 != 0 { classes |= Vocabulary.colonAfter }
            if bits & 4 != 0 { classes |= Vocabulary.bracketed }
            if bits & 8 != 0 { classes |= Vocabulary.closingTag }
            if bits & 16 != 0 { classes |= Vocabulary.shellPipe }
            return classes
        }
    }

    struct Match: Sendable, Equatable {
        var family: InjectionFamily
        var confidence: Double
        /// Folded byte offsets.
        var start: Int
        var end: Int
    }

    /// What tokenizing found besides the words.
    struct Tokens: Sendable {
        var words: [Word] = []
        var hasROT13 = false
        /// Byte spans of runs of single letters ("i g n o r e").
        var spacedRuns: [Range<Int>] = []
        /// Offsets of `<`, `[`, `(` and `!`, where `StructuralMarkers` looks.
        var markerCandidates: [Int] = []
    }

    static let shared = InjectionEngine()

    let lexicon: Lexicon
    let patterns: [InjectionPattern]
    /// The patterns laid out flat, so that matching touches no reference-counted storage:
    /// every pattern's steps in one array, and the patterns starting with each class bit.
    private let steps: [InjectionPattern.Step]
    private let flat: [FlatPattern]
    /// By lexicon entry, the patterns whose anchor step the entry's word can be (for the plain
    /// and the ROT13 pass): `patternsByEntry[start[e]..<start[e + 1]]`.
    private let patternsByEntry: [Int32]
    private let patternsByEntryStart: [Int32]
    private let rot13PatternsByEntry: [Int32]
    private let rot13PatternsByEntryStart: [Int32]

    struct FlatPattern: Sendable {
        var firstStep: Int32
        var stepCount: Int32
        /// The step matching starts from: the first whose class has no common word, so that
        /// "the", "you" and "what" do not each set off an attempt.
        var anchor: Int32
        var family: InjectionFamily
        var confidence: Double
        var near: WordClasses
        var radius: Int32
    }
    /// Unspaced terms (and their entry ids) by their first three bytes.
    private let unspaced: [UInt32: [([UInt8], Int32)]]

    static let wordBytes: [Bool] = (0..<256).map { byte in
        (0x61...0x7A).contains(byte) || (0x30...0x39).contains(byte) || byte >= 0x80
    }

    /// Separators the tokenizer notes for the structural markers.
    static let markerBytes: [Bool] = (0..<256).map { [0x3C, 0x5B, 0x28, 0x21].contains($0) }

    /// At most 256 patterns (the matcher keeps the viable ones of a text in 256 bits).
    init(patterns: [InjectionPattern] = InjectionPatterns.all) {
        precondition(patterns.count <= Bits256.capacity, "at most 256 injection patterns")
        var words: [([UInt8], WordClasses)] = []
        var rot13: [([UInt8], WordClasses)] = []
        for (classes, list) in Vocabulary.english {
            for word in list {
                let folded = Self.fold(word)
                words.append((folded, classes))
                if folded.count >= 3, folded.allSatisfy({ (0x61...0x7A).contains($0) }) {
                    rot13.append((folded.map(Self.rot13), classes))
                }
            }
        }
        // A word English shares ("instructions", "ignore") does not make a match foreign.
        let englishWords = Set(words.map(\.0))
        for (classes, list) in Vocabulary.otherLanguages {
            for word in list {
                let folded = Self.fold(word)
                words.append((folded, englishWords.contains(folded) ? classes : classes | Vocabulary.foreign))
            }
        }
        var lexicon = Lexicon(words: words, rot13: rot13)
        var unspaced: [UInt32: [([UInt8], Int32)]] = [:]
        for (classes, list) in Vocabulary.unspacedTerms {
            for term in list {
                let folded = Self.fold(term)
                guard folded.count >= 3 else { continue }
                let id = lexicon.addClasses(classes | Vocabulary.foreign)
                unspaced[Self.key(folded[0], folded[1], folded[2]), default: []].append((folded, id))
            }
        }
        self.lexicon = lexicon
        self.unspaced = unspaced
        self.patterns = patterns
        var steps: [InjectionPattern.Step] = []
        var flat: [FlatPattern] = []
        let common = Self.commonWordClasses(lexicon)
        for (index, pattern) in patterns.enumerated() {
            let anchor = pattern.steps.firstIndex { !$0.any.intersects(common) } ?? 0
            flat.append(FlatPattern(firstStep: Int32(steps.count), stepCount: Int32(pattern.steps.count), anchor: Int32(anchor),
                                    family: pattern.family, confidence: pattern.confidence, near: pattern.near,
                                    radius: Int32(pattern.radius)))
            steps += pattern.steps
        }
        self.steps = steps
        self.flat = flat
        func index(_ classes: [WordClasses]) -> (patterns: [Int32], starts: [Int32]) {
            var list: [Int32] = []
            var starts: [Int32] = [0]
            for entryClasses in classes {
                for (patternIndex, pattern) in flat.enumerated()
                where steps[Int(pattern.firstStep + pattern.anchor)].any.intersects(entryClasses) {
                    list.append(Int32(patternIndex))
                }
                starts.append(Int32(list.count))
            }
            return (list, starts)
        }
        (patternsByEntry, patternsByEntryStart) = index(lexicon.classes)
        (rot13PatternsByEntry, rot13PatternsByEntryStart) = index(lexicon.rot13Classes)
    }

    /// The classes some very common word belongs to (a class with "the" or "you" in it is a
    /// poor place to start matching).
    private static func commonWordClasses(_ lexicon: Lexicon) -> WordClasses {
        var common = WordClasses.none
        for word in Vocabulary.commonWords {
            if let classes = lexicon.lookup(fold(word)) { common |= classes }
        }
        return common
    }

    static func fold(_ text: String) -> [UInt8] {
        var text = text
        return text.withUTF8 { FoldedText(folding: $0).bytes }
    }

    static func rot13(_ byte: UInt8) -> UInt8 {
        guard (0x61...0x7A).contains(byte) else { return byte }
        return (byte - 0x61 + 13) % 26 + 0x61
    }

    @inline(__always)
    private static func key(_ a: UInt8, _ b: UInt8, _ c: UInt8) -> UInt32 {
        UInt32(a) << 16 | UInt32(b) << 8 | UInt32(c)
    }

    // MARK: Tokenizing

    func tokenize(_ text: UnsafeBufferPointer<UInt8>) -> Tokens {
        // The loop lives in its own function with the tables as arguments: its state then stays
        // in registers instead of being captured by closures.
        lexicon.withView { lexicon in
            Self.markerBytes.withUnsafeBufferPointer { isMarker in
                Self.wordBytes.withUnsafeBufferPointer { isWord in
                    tokenize(text, lexicon: lexicon, isWord: isWord, isMarker: isMarker)
                }
            }
        }
    }

    private func tokenize(_ text: UnsafeBufferPointer<UInt8>, lexicon: Lexicon.View, isWord: UnsafeBufferPointer<Bool>,
                          isMarker: UnsafeBufferPointer<Bool>) -> Tokens {
        var tokens = Tokens()
        let count = text.count
        guard let base = text.baseAddress else { return tokens }
        let raw = UnsafeRawPointer(base)
        tokens.words.reserveCapacity(count / 8)
        var index = 0
        var ordinal: Int32 = 0
        var lineStart = true
        var lastSeparator: UInt8 = 0
        var previousSeparator: UInt8 = 0
        var singleLetterRun = 0
        var runStart = 0
        var runEnd = 0
        // A hyphenated run ("in-struc-tions") is also looked up joined.
        var chain: [UInt8] = []
        var chainStart = 0
        var chainEnd = -2
        while index < count {
            let byte = base[index]
            if !isWord[Int(byte)] {
                if byte == 0x0A { lineStart = true }
                if byte != 0x20 && byte != 0x09 {
                    previousSeparator = lastSeparator
                    lastSeparator = byte
                    if isMarker[Int(byte)] { tokens.markerCandidates.append(index) }
                }
                index += 1
                continue
            }
            let start = index
            index += 1
            while index < count, isWord[Int(base[index])] { index += 1 }
            let length = index - start
            // Runs of single letters ("i g n o r e"), kept for `SpacedText`.
            if length == 1 && byte >= 0x61 && byte <= 0x7A {
                if singleLetterRun == 0 { runStart = start }
                singleLetterRun += 1
                runEnd = index
            } else {
                if singleLetterRun >= 5 { tokens.spacedRuns.append(runStart..<runEnd) }
                singleLetterRun = 0
            }
            if length <= Lexicon.maximumWordLength {
                let word = UnsafeBufferPointer(start: base + start, count: length)
                let key: Lexicon.Key
                if length < 8 && start + 8 <= count {
                    // One load for a short word: the bytes after it are masked off.
                    key = .init(head: raw.loadUnaligned(fromByteOffset: start, as: UInt64.self) & ((1 &<< UInt64(8 * length)) &- 1), tail: 0)
                } else {
                    key = .init(word)
                }
                var entry = lexicon.lookup(key, word)
                if entry == nil && length > 1 && word.contains(where: { $0 <= 0x39 }) && word.contains(where: { $0 >= 0x61 }) {
                    entry = Self.leetLookup(word, lexicon)
                }
                if let entry {
                    var markers: UInt8 = 0
                    if lineStart { markers |= Marker.lineStart }
                    if Self.colonFollows(text, at: index) { markers |= Marker.colonAfter }
                    if lastSeparator == UInt8(ascii: "/") && previousSeparator == UInt8(ascii: "<")
                        && start >= 2 && base[start - 1] == UInt8(ascii: "/") {
                        markers |= Marker.closingTag
                    } else if lastSeparator == UInt8(ascii: "[") || lastSeparator == UInt8(ascii: "<")
                                || lastSeparator == UInt8(ascii: "(") || lastSeparator == UInt8(ascii: "{") {
                        markers |= Marker.bracketed
                    } else if lastSeparator == UInt8(ascii: "|"), lexicon.classes[Int(entry)].intersects(Vocabulary.shellName) {
                        markers |= Marker.shellPipe
                    }
                    if !lexicon.rot13Classes[Int(entry)].isEmpty { tokens.hasROT13 = true }
                    tokens.words.append(Word(ordinal: ordinal, start: Int32(start), end: Int32(index), entry: entry, markers: markers))
                }
            }
            // Scripts written without spaces: their terms are found inside the token.
            if byte >= 0xE3, word(text, start..<index, hasLeadAtLeast: 0xE3) {
                appendUnspacedTerms(in: text, start..<index, ordinal: ordinal, to: &tokens.words)
            }
            let joined = !chain.isEmpty && start == chainEnd + 1 && base[chainEnd] == UInt8(ascii: "-")
            if joined {
                chain.append(contentsOf: UnsafeBufferPointer(start: base + start, count: length))
                if chain.count <= Lexicon.maximumWordLength,
                   let entry = chain.withUnsafeBufferPointer({ lexicon.lookup($0) }),
                   !lexicon.classes[Int(entry)].isEmpty {
                    tokens.words.append(Word(ordinal: ordinal, start: Int32(chainStart), end: Int32(index), entry: entry, markers: 0))
                }
            }
            let continues = index + 1 < count && base[index] == UInt8(ascii: "-") && isWord[Int(base[index + 1])]
            if continues {
                if !joined {
                    chain.removeAll(keepingCapacity: true)
                    chain.append(contentsOf: UnsafeBufferPointer(start: base + start, count: length))
                    chainStart = start
                }
                chainEnd = index
            } else if !chain.isEmpty {
                chain.removeAll(keepingCapacity: true)
            }
            // The pieces of a hyphenated word count as one word for the gaps.
            if !continues { ordinal += 1 }
            lineStart = false
            lastSeparator = 0
            previousSeparator = 0
        }
        if singleLetterRun >= 5 { tokens.spacedRuns.append(runStart..<runEnd) }
        return tokens
    }

    /// Whether the token has a UTF-8 lead byte of a CJK or Hangul block (`lead` to 0xED).
    private func word(_ text: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, hasLeadAtLeast lead: UInt8) -> Bool {
        text[range].contains { $0 >= lead && $0 <= 0xED }
    }

    @inline(__always)
    private static func colonFollows(_ text: UnsafeBufferPointer<UInt8>, at index: Int) -> Bool {
        var index = index
        while index < text.count, text[index] == 0x20 || text[index] == 0x09 { index += 1 }
        guard index < text.count else { return false }
        switch text[index] {
        case UInt8(ascii: ":"), UInt8(ascii: "]"), UInt8(ascii: ">"), UInt8(ascii: ")"), UInt8(ascii: "}"), UInt8(ascii: "|"):
            return true
        default:
            return false
        }
    }

    /// Digits read as the letters they stand for ("1gn0re" → "ignore").
    private static func leetLookup(_ word: UnsafeBufferPointer<UInt8>, _ lexicon: Lexicon.View) -> Int32? {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: word.count) { buffer in
            for (index, byte) in word.enumerated() {
                let letter: UInt8
                switch byte {
                case UInt8(ascii: "0"): letter = UInt8(ascii: "o")
                case UInt8(ascii: "1"): letter = UInt8(ascii: "i")
                case UInt8(ascii: "3"): letter = UInt8(ascii: "e")
                case UInt8(ascii: "4"): letter = UInt8(ascii: "a")
                case UInt8(ascii: "5"): letter = UInt8(ascii: "s")
                case UInt8(ascii: "7"): letter = UInt8(ascii: "t")
                case UInt8(ascii: "8"): letter = UInt8(ascii: "b")
                case UInt8(ascii: "9"): letter = UInt8(ascii: "g")
                default: letter = byte
                }
                buffer[index] = letter
            }
            let leet = UnsafeBufferPointer(buffer)
            return lexicon.lookup(leet)
        }
    }

    /// Terms of unspaced scripts inside one token, as words of their own at the token's ordinal.
    private func appendUnspacedTerms(in text: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, ordinal: Int32, to words: inout [Word]) {
        var index = range.lowerBound
        while index + 2 < range.upperBound {
            let lead = text[index]
            guard lead >= 0xE3 && lead <= 0xED, let candidates = unspaced[Self.key(lead, text[index + 1], text[index + 2])] else {
                index += 1
                continue
            }
            var advanced = false
            for (term, entry) in candidates where index + term.count <= range.upperBound {
                if term.indices.allSatisfy({ text[index + $0] == term[$0] }) {
                    words.append(Word(ordinal: ordinal, start: Int32(index), end: Int32(index + term.count), entry: entry, markers: 0))
                    index += term.count
                    advanced = true
                    break
                }
            }
            if !advanced { index += 1 }
        }
    }

    // MARK: Matching

    /// Every pattern match over `words`, reading each word's ROT13 classes if `rot13`.
    func matches(_ words: [Word], rot13: Bool = false) -> [Match] {
        lexicon.withView { lexicon in
            Marker.classes.withUnsafeBufferPointer { markerClasses in
                words.withUnsafeBufferPointer { words in
                    steps.withUnsafeBufferPointer { steps in
                        flat.withUnsafeBufferPointer { flat in
                            (rot13 ? rot13PatternsByEntry : patternsByEntry).withUnsafeBufferPointer { byEntry in
                                (rot13 ? rot13PatternsByEntryStart : patternsByEntryStart).withUnsafeBufferPointer { starts in
                                    let matcher = Matcher(words: words, steps: steps, classes: rot13 ? lexicon.rot13Classes : lexicon.classes,
                                                          foreignClasses: lexicon.classes, markerClasses: markerClasses)
                                    return Self.matches(matcher, flat: flat, byEntry: byEntry, starts: starts)
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    private static func matches(_ matcher: Matcher, flat: UnsafeBufferPointer<FlatPattern>, byEntry: UnsafeBufferPointer<Int32>,
                                starts: UnsafeBufferPointer<Int32>) -> [Match] {
        let words = matcher.words
        let steps = matcher.steps
        var found: [Match] = []
        // Only patterns whose every step (and nearby condition) has a word in this text can
        // match: most texts rule most patterns out here.
        var present = WordClasses.none
        for index in words.indices { present |= matcher.classes(index) }
        var viable = Bits256.none
        // The classes a viable pattern can start from: a word of none of them starts nothing.
        var anchors = WordClasses.none
        for patternIndex in flat.indices {
            let pattern = flat[patternIndex]
            guard pattern.near.isEmpty || pattern.near.intersects(present) else { continue }
            var possible = true
            for stepIndex in Int(pattern.firstStep)..<Int(pattern.firstStep + pattern.stepCount) {
                let step = steps[stepIndex]
                if !step.any.intersects(present) || !present.contains(step.all) {
                    possible = false
                    break
                }
            }
            if possible {
                viable.insert(bit: patternIndex)
                anchors |= steps[Int(pattern.firstStep + pattern.anchor)].any
            }
        }
        guard !viable.isEmpty else { return [] }
        for index in words.indices where matcher.classes(index).intersects(anchors) {
            let entry = Int(words[index].entry)
            for slot in Int(starts[entry])..<Int(starts[entry + 1]) {
                let patternIndex = Int(byEntry[slot])
                guard viable.contains(bit: patternIndex) else { continue }
                if let match = matcher.match(flat[patternIndex], at: index) { found.append(match) }
            }
        }
        return found
    }

    /// One matching pass over raw buffers.
    private struct Matcher {
        let words: UnsafeBufferPointer<Word>
        let steps: UnsafeBufferPointer<InjectionPattern.Step>
        /// By entry: the classes matched (the ROT13 ones on the ROT13 pass).
        let classes: UnsafeBufferPointer<WordClasses>
        /// By entry: the word's own classes, for the `foreign` mark.
        let foreignClasses: UnsafeBufferPointer<WordClasses>
        let markerClasses: UnsafeBufferPointer<WordClasses>

        @inline(__always)
        func classes(_ index: Int) -> WordClasses {
            let word = words[index]
            return word.markers == 0 ? classes[Int(word.entry)] : classes[Int(word.entry)] | markerClasses[Int(word.markers)]
        }

        @inline(__always)
        func isForeign(_ index: Int) -> Bool { foreignClasses[Int(words[index].entry)].intersects(Vocabulary.foreign) }

        @inline(__always)
        func fits(_ step: InjectionPattern.Step, _ index: Int) -> Bool {
            let have = classes(index)
            return have.intersects(step.any) && have.contains(step.all)
        }

        /// The match whose anchor step is the word at `anchorWord`: later steps are found going
        /// forward, earlier ones going back, each the nearest within its gap.
        func match(_ pattern: FlatPattern, at anchorWord: Int) -> Match? {
            let firstStep = Int(pattern.firstStep)
            let anchorStep = firstStep + Int(pattern.anchor)
            guard fits(steps[anchorStep], anchorWord) else { return nil }
            var foreign = isForeign(anchorWord)
            var current = anchorWord
            for stepIndex in (anchorStep + 1)..<(firstStep + Int(pattern.stepCount)) {
                let step = steps[stepIndex]
                var next = current + 1
                var found: Int?
                while next < words.count, words[next].ordinal - words[current].ordinal <= Int32(step.gap + 1) {
                    if fits(step, next) {
                        found = next
                        break
                    }
                    next += 1
                }
                guard let found else { return nil }
                current = found
                foreign = foreign || isForeign(found)
            }
            let last = current
            current = anchorWord
            for stepIndex in stride(from: anchorStep - 1, through: firstStep, by: -1) {
                // The gap before a step belongs to the step after it.
                let gap = Int32(steps[stepIndex + 1].gap + 1)
                var previous = current - 1
                var found: Int?
                while previous >= 0, words[current].ordinal - words[previous].ordinal <= gap {
                    if fits(steps[stepIndex], previous) {
                        found = previous
                        break
                    }
                    previous -= 1
                }
                guard let found else { return nil }
                current = found
                foreign = foreign || isForeign(found)
            }
            let first = current
            if !pattern.near.isEmpty && !isNear(pattern.near, radius: Int(pattern.radius), first: first, last: last) {
                return nil
            }
            return Match(
                family: foreign ? pattern.family.multilingual : pattern.family, confidence: pattern.confidence,
                start: Int(words[first].start), end: Int(words[last].end)
            )
        }

        private func isNear(_ wanted: WordClasses, radius: Int, first: Int, last: Int) -> Bool {
            let low = words[first].ordinal - Int32(radius)
            let high = words[last].ordinal + Int32(radius)
            var index = first - 1
            while index >= 0, words[index].ordinal >= low {
                if classes[Int(words[index].entry)].intersects(wanted) { return true }
                index -= 1
            }
            index = last + 1
            while index < words.count, words[index].ordinal <= high {
                if classes[Int(words[index].entry)].intersects(wanted) { return true }
                index += 1
            }
            return false
        }
    }

    /// Tokenizes and matches (ROT13 too, when the text has ROT13 spellings of lexicon words).
    func scan(_ text: UnsafeBufferPointer<UInt8>) -> (matches: [Match], tokens: Tokens) {
        let tokens = tokenize(text)
        var found = matches(tokens.words)
        if tokens.hasROT13 {
            found += matches(tokens.words, rot13: true).map {
                Match(family: .rot13Payload, confidence: $0.confidence, start: $0.start, end: $0.end)
            }
        }
        return (found, tokens)
    }

    /// Whether a word of `classes` is among `tokens`.
    func contains(_ classes: WordClasses, in tokens: Tokens) -> Bool {
        lexicon.withView { lexicon in tokens.words.contains { lexicon.classes[Int($0.entry)].intersects(classes) } }
    }

    func scan(_ bytes: [UInt8]) -> [Match] {
        bytes.withUnsafeBufferPointer { scan($0).matches }
    }
}


extension InjectionFamily {
    /// The family a match is reported as when a word of another language made it.
    var multilingual: InjectionFamily {
        switch self {
        case .instructionOverride, .forgetContext, .safetyBypass, .newInstructions: return .multilingualOverride
        case .systemPromptExtraction, .promptLeakRepeat: return .multilingualExtraction
        default: return self
        }
    }
}
