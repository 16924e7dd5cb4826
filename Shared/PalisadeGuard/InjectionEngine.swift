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
        static let decoratedAfter: UInt8 = 32

        /// The marker classes of each combination of marker bits.
        static let classes: [WordClasses] = (0..<64).map { bits in
            var classes = WordClasses.none
            if bits & 1 != 0 { classes |= Vocabulary.lineStart }
            if bits & 2 != 0 { classes |= Vocabulary.colonAfter }
            if bits & 4 != 0 { classes |= Vocabulary.bracketed }
            if bits & 8 != 0 { classes |= Vocabulary.closingTag }
            if bits & 16 != 0 { classes |= Vocabulary.shellPipe }
            if bits & 32 != 0 { classes |= Vocabulary.decoratedAfter }
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
    /// The patterns only text a tool returned is matched against (`InjectionPatterns.toolOutput`).
    static let toolOutput = InjectionEngine(patterns: InjectionPatterns.toolOutput, vocabulary: Vocabulary.english + Vocabulary.toolOutput)

    let lexicon: Lexicon
    let patterns: [InjectionPattern]
    /// The patterns laid out flat, so that matching touches no reference-counted storage:
    /// every pattern's steps in one array, and the patterns starting with each class bit.
    private let steps: [InjectionPattern.Step]
    private let flat: [FlatPattern]

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
        var unless: WordClasses
        var unlessRadius: Int32
    }
    /// Unspaced terms (and their entry ids) by their first three bytes.
    let unspaced: [UInt32: [([UInt8], Int32)]]
    /// By lexicon entry: 1 if the entry is the ROT13 spelling of a word.
    let spellsROT13: [UInt8]
    /// By lexicon entry: whether a pattern step asks for markers (`Word.markers`) on a word of
    /// its classes; the tokenizer works them out for these words only.
    let needsMarkers: [Bool]
    let chainFilter: ChainFilter

    static let wordBytes: [Bool] = (0..<256).map { byte in
        (0x61...0x7A).contains(byte) || (0x30...0x39).contains(byte) || byte >= 0x80
    }

    /// At most 256 patterns (the matcher keeps the viable ones of a text in 256 bits).
    init(patterns: [InjectionPattern] = InjectionPatterns.all, vocabulary: [(WordClasses, [String])] = Vocabulary.english) {
        precondition(patterns.count <= Bits256.capacity, "at most 256 injection patterns")
        var words: [([UInt8], WordClasses)] = []
        var rot13: [([UInt8], WordClasses)] = []
        for (classes, list) in vocabulary {
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
        words += Self.misspellings(of: words)
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
        for pattern in patterns {
            let anchor = pattern.steps.firstIndex { !$0.any.intersects(common) } ?? 0
            flat.append(FlatPattern(firstStep: Int32(steps.count), stepCount: Int32(pattern.steps.count), anchor: Int32(anchor),
                                    family: pattern.family, confidence: pattern.confidence, near: pattern.near,
                                    radius: Int32(pattern.radius), unless: pattern.unless, unlessRadius: Int32(pattern.unlessRadius)))
            steps += pattern.steps
        }
        self.steps = steps
        self.flat = flat
        // Markers only ever narrow a step (`all`); a class a step accepts (`any`) is never one.
        let markerClasses = Marker.classes.reduce(WordClasses.none, |)
        precondition(steps.allSatisfy { !$0.any.intersects(markerClasses) }, "markers belong in a step's `all`")
        let askingForMarkers = steps.filter { $0.all.intersects(markerClasses) }.reduce(WordClasses.none) { $0 | $1.any }
        needsMarkers = zip(lexicon.classes, lexicon.rot13Classes).map { ($0 | $1).intersects(askingForMarkers) }
        spellsROT13 = lexicon.rot13Classes.map { $0.isEmpty ? 0 : 1 }
        chainFilter = ChainFilter(patterns: patterns, anchors: flat.map { Int($0.anchor) }, classes: lexicon.classes,
                                  rot13Classes: lexicon.rot13Classes, markerClasses: Marker.classes)
    }

    /// `Misspellings.slips`, each with its word's classes in `words`; no word of `words` is
    /// spelled again.
    private static func misspellings(of words: [([UInt8], WordClasses)]) -> [([UInt8], WordClasses)] {
        var classesByWord: [[UInt8]: WordClasses] = [:]
        for (word, classes) in words { classesByWord[word, default: .none] |= classes }
        var slips: [[UInt8]: WordClasses] = [:]
        for (slip, word) in Misspellings.slips {
            let spelled = fold(slip)
            guard classesByWord[spelled] == nil, let classes = classesByWord[fold(word)] else { continue }
            slips[spelled, default: .none] |= classes
        }
        return slips.sorted { $0.key.lexicographicallyPrecedes($1.key) }.map { ($0.key, $0.value) }
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
    static func key(_ a: UInt8, _ b: UInt8, _ c: UInt8) -> UInt32 {
        UInt32(a) << 16 | UInt32(b) << 8 | UInt32(c)
    }

    func tokenize(_ text: UnsafeBufferPointer<UInt8>) -> Tokens {
        Tokenizer.tokenize(text, engine: self)
    }

    // MARK: Matching

    /// Every match over `words` (reading ROT13 classes if `rot13`); unless `filtered` is false,
    /// only of the patterns `ChainFilter` leaves, where it leaves them (tests compare the two).
    func matches(_ words: [Word], rot13: Bool = false, filtered: Bool = true) -> [Match] {
        lexicon.withView { lexicon in
            Marker.classes.withUnsafeBufferPointer { markerClasses in
                words.withUnsafeBufferPointer { words in
                    steps.withUnsafeBufferPointer { steps in
                        flat.withUnsafeBufferPointer { flat in
                            let matcher = Matcher(words: words, steps: steps, classes: rot13 ? lexicon.rot13Classes : lexicon.classes,
                                                  foreignClasses: lexicon.classes, markerClasses: markerClasses)
                            let plan = filtered ? chainFilter.plan(words, rot13: rot13)
                                : ChainFilter.Plan(patterns: flat.indices.map { ($0, UInt64.max) })
                            return Self.matches(matcher, plan: plan, flat: flat)
                        }
                    }
                }
            }
        }
    }

    /// Every match of the patterns `plan` leaves (see `ChainFilter`), attempted from each word
    /// where the pattern's anchor can be.
    private static func matches(_ matcher: Matcher, plan: ChainFilter.Plan, flat: UnsafeBufferPointer<FlatPattern>) -> [Match] {
        var found: [Match] = []
        for (patternIndex, anchorBlocks) in plan.patterns {
            let pattern = flat[patternIndex]
            // Words of none of the anchor step's classes start nothing; tested here, in line.
            let anchorClasses = matcher.steps[Int(pattern.firstStep + pattern.anchor)].any
            func attempt(_ words: Range<Int>) {
                for index in words where matcher.classes(index).intersects(anchorClasses) {
                    if let match = matcher.match(pattern, at: index) { found.append(match) }
                }
            }
            if plan.wholeText {
                attempt(matcher.words.indices)
                continue
            }
            var blocks = anchorBlocks
            while blocks != 0 {
                let block = blocks.trailingZeroBitCount
                blocks &= blocks - 1
                attempt(Int(plan.blockStarts[block])..<Int(plan.blockStarts[block + 1]))
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
            if !pattern.unless.isEmpty && isBefore(pattern.unless, radius: Int(pattern.unlessRadius), first: first) {
                return nil
            }
            return Match(
                family: foreign ? pattern.family.multilingual : pattern.family, confidence: pattern.confidence,
                start: Int(words[first].start), end: Int(words[last].end)
            )
        }

        /// Whether a word of `wanted` is within `radius` words before the word at `first`.
        private func isBefore(_ wanted: WordClasses, radius: Int, first: Int) -> Bool {
            let low = words[first].ordinal - Int32(radius)
            var index = first - 1
            while index >= 0, words[index].ordinal >= low {
                if classes[Int(words[index].entry)].intersects(wanted) { return true }
                index -= 1
            }
            return false
        }

        private func isNear(_ wanted: WordClasses, radius: Int, first: Int, last: Int) -> Bool {
            if isBefore(wanted, radius: radius, first: first) { return true }
            let high = words[last].ordinal + Int32(radius)
            var index = last + 1
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
