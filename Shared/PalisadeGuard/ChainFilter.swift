/// Rules out, for one text, the patterns that no chain of its words can spell, before any
/// match is attempted. A pattern matches only along words `w0 < w1 < …` (in the text's order),
/// one per step, each fitting its step and at most `gap + 1` ordinals after the one before;
/// so if no such chain exists, no attempt can succeed. The text's ordinals are cut into 64
/// blocks, each class gets a 64-bit mask of the blocks its words are in, a step's mask is
/// the union of its classes' (narrowed by its markers), and the chain is followed
/// bit-parallel: the blocks a chain can reach at a step are those of its words within reach
/// of the previous step's, a few shifts and an AND. In ordinary prompts about one pattern in
/// seven is left to the matcher, which used to try some 360 anchors per 4 KiB, a
/// misprediction or two apiece.
///
/// The filter may keep a pattern that cannot match (it ignores the `near` radius and works
/// in blocks), never drop one that can. Its work is a program over the patterns: each
/// pattern's steps are followed until its chain breaks, which in ordinary text is mostly at
/// the first step, at the same patterns from text to text (so the branch predictor learns
/// where); a branch-free program over every step cost 34,000 instructions a call, a fixed
/// price that small nested texts (joined pieces, decoded runs) paid too.
struct ChainFilter: Sendable {
    /// Classes are numbered densely ("slots") among those some step or `near` names; slot
    /// `slotCount` is a mask nothing reads (padding writes there).
    let slotCount: Int
    /// By step (patterns' steps in pattern order): the slots of the classes it accepts,
    /// `anySlots[anyStart[s]..<anyStart[s + 1]]`, and of the markers it requires, likewise.
    private let anySlots: [Int16]
    private let anyStart: [Int32]
    private let allSlots: [Int16]
    private let allStart: [Int32]
    /// By pattern: the slots of its `near` classes (none: the pattern needs none).
    private let nearSlots: [Int16]
    private let nearStart: [Int32]
    private let patternCount: Int
    private let stepCount: Int
    /// By slot: the patterns a word of its class can fill a step of, by the step's position
    /// in its pattern (the position after the longest pattern's last stands for `near`), as pairs
    /// `(slotPositions[i], slotPatterns[i])` for `i` in `slotPairStart[s]..<slotPairStart[s + 1]`.
    private let slotPositions: [UInt8]
    private let slotPatterns: [Bits256]
    private let slotPairStart: [Int32]
    /// By position: the patterns nothing at that position can rule out (too short to have a
    /// step there; at the `near` position, without `near` classes).
    private let unconstrained: [Bits256]
    /// By lexicon entry: the slots of its classes, padded to `slotsPerEntry` with `slotCount`
    /// so that marking a word is branch-free; an entry with more (rare) keeps the rest in
    /// `extraSlots[extraStart[e]..<extraStart[e + 1]]`.
    private let entrySlots: [Int16]
    private let extraSlots: [Int16]
    private let extraStart: [Int32]
    private let rot13EntrySlots: [Int16]
    private let rot13ExtraSlots: [Int16]
    private let rot13ExtraStart: [Int32]
    /// By `Word.markers` bits: the slots of its marker classes.
    private let markerSlots: [[Int16]]
    static let slotsPerEntry = 4
    /// Ordinals a chain can span at most: long texts are filtered in windows that overlap by this.
    private let longestChain: Int
    /// By block size (as a shift) and step: the shifts that spread a chain by the step's reach.
    private let spreads: [[Shifts]]

    /// By pattern: the index of its first step, of the step matching starts from, and of its last.
    private let firstSteps: [Int]
    private let anchorSteps: [Int]
    private let lastSteps: [Int]

    /// What the matcher should try: the possible patterns, in order, each with the blocks its
    /// anchor word can be in, and the first word of each block (`blockStarts[b]..<blockStarts[b + 1]`
    /// are block `b`'s words). A text long enough for several windows leaves every word to try.
    struct Plan {
        var patterns: [(pattern: Int, anchorBlocks: UInt64)] = []
        var blockStarts: [Int32] = []
        var wholeText: Bool { blockStarts.isEmpty }
    }

    init(patterns: [InjectionPattern], anchors: [Int], classes: [WordClasses], rot13Classes: [WordClasses], markerClasses: [WordClasses]) {
        var named = WordClasses.none
        for pattern in patterns {
            named |= pattern.near
            for step in pattern.steps { named |= step.any | step.all }
        }
        var slotOfClass = [Int16](repeating: -1, count: WordClasses.capacity)
        var slotCount = 0
        for bit in 0..<WordClasses.capacity where named.contains(bit: bit) {
            slotOfClass[bit] = Int16(slotCount)
            slotCount += 1
        }
        func slotsOf(_ classes: WordClasses) -> [Int16] {
            (0..<WordClasses.capacity).filter { classes.contains(bit: $0) && slotOfClass[$0] >= 0 }.map { slotOfClass[$0] }
        }
        var reaches: [Int] = []
        var anySlots: [Int16] = []
        var anyStart: [Int32] = [0]
        var allSlots: [Int16] = []
        var allStart: [Int32] = [0]
        var nearSlots: [Int16] = []
        var nearStart: [Int32] = [0]
        var longest = 0
        var firstSteps: [Int] = []
        var anchorSteps: [Int] = []
        var lastSteps: [Int] = []
        precondition(patterns.count <= Bits256.capacity, "more patterns than a pattern set holds")
        let nearPosition = patterns.map(\.steps.count).max() ?? 0
        var pairs = [[Int: Bits256]](repeating: [:], count: slotCount)
        var unconstrained = [Bits256](repeating: .none, count: nearPosition + 1)
        for (patternIndex, pattern) in patterns.enumerated() {
            precondition(!pattern.steps.isEmpty, "a pattern without steps")
            for (position, step) in pattern.steps.enumerated() {
                for slot in slotsOf(step.any) { pairs[Int(slot)][position, default: .none].insert(bit: patternIndex) }
            }
            for position in pattern.steps.count..<nearPosition { unconstrained[position].insert(bit: patternIndex) }
            for slot in slotsOf(pattern.near) { pairs[Int(slot)][nearPosition, default: .none].insert(bit: patternIndex) }
            if pattern.near.isEmpty { unconstrained[nearPosition].insert(bit: patternIndex) }
        }
        var slotPositions: [UInt8] = []
        var slotPatterns: [Bits256] = []
        var slotPairStart: [Int32] = [0]
        for slotPairs in pairs {
            for (position, patterns) in slotPairs.sorted(by: { $0.key < $1.key }) {
                slotPositions.append(UInt8(position))
                slotPatterns.append(patterns)
            }
            slotPairStart.append(Int32(slotPositions.count))
        }
        self.slotPositions = slotPositions
        self.slotPatterns = slotPatterns
        self.slotPairStart = slotPairStart
        self.unconstrained = unconstrained
        for (patternIndex, pattern) in patterns.enumerated() {
            firstSteps.append(reaches.count)
            anchorSteps.append(reaches.count + anchors[patternIndex])
            lastSteps.append(reaches.count + pattern.steps.count - 1)
            for (index, step) in pattern.steps.enumerated() {
                anySlots += slotsOf(step.any)
                anyStart.append(Int32(anySlots.count))
                allSlots += slotsOf(step.all)
                allStart.append(Int32(allSlots.count))
                // How many ordinals after the previous step's word this step's may be.
                reaches.append(index == 0 ? 0 : step.gap + 1)
            }
            longest = max(longest, pattern.steps.dropFirst().reduce(0) { $0 + $1.gap + 1 })
            nearSlots += slotsOf(pattern.near)
            nearStart.append(Int32(nearSlots.count))
        }
        func layout(_ classes: [WordClasses]) -> (padded: [Int16], extra: [Int16], extraStart: [Int32]) {
            var padded: [Int16] = []
            var extra: [Int16] = []
            var extraStart: [Int32] = [0]
            for entryClasses in classes {
                let own = slotsOf(entryClasses)
                let head = own.prefix(Self.slotsPerEntry)
                padded += head + Array(repeating: Int16(slotCount), count: Self.slotsPerEntry - head.count)
                extra += own.dropFirst(Self.slotsPerEntry)
                extraStart.append(Int32(extra.count))
            }
            return (padded, extra, extraStart)
        }
        (entrySlots, extraSlots, extraStart) = layout(classes)
        (rot13EntrySlots, rot13ExtraSlots, rot13ExtraStart) = layout(rot13Classes)
        markerSlots = markerClasses.map(slotsOf)
        self.slotCount = slotCount
        self.anySlots = anySlots
        self.anyStart = anyStart
        self.allSlots = allSlots
        self.allStart = allStart
        self.nearSlots = nearSlots
        self.nearStart = nearStart
        patternCount = patterns.count
        stepCount = reaches.count
        self.firstSteps = firstSteps
        self.anchorSteps = anchorSteps
        self.lastSteps = lastSteps
        longestChain = longest
        precondition(longest < 64 * Self.largestBlock / 2, "a chain longer than half a window")
        precondition(reaches.allSatisfy { $0 < 32 }, "a gap wider than five shifts cover")
        spreads = (0...Self.largestBlock.trailingZeroBitCount).map { blockShift in
            reaches.map { reach in Self.shifts(spreading: (reach + (1 << blockShift) - 1) >> blockShift) }
        }
    }

    /// Ordinals per block at most (a power of two): 64 blocks then cover 1,024 ordinals, a
    /// 4 KiB text of prose.
    static let largestBlock = 16

    /// The patterns some chain of `words` (known words, in text order) may spell, and where.
    func plan(_ words: UnsafeBufferPointer<InjectionEngine.Word>, rot13: Bool) -> Plan {
        guard let last = words.last else { return Plan() }
        var found = Bits256.none
        var plan = Plan()
        // A text's ordinals in 64 blocks of as few ordinals as will do (one each for a short
        // text); a long one in windows of 64 blocks of `largestBlock`, each starting
        // `longestChain` ordinals before the last one ended, so that every chain lies whole in
        // one of them.
        var blockShift = 0
        while blockShift < Self.largestBlock.trailingZeroBitCount && Int(last.ordinal) >= 64 << blockShift { blockShift += 1 }
        let windowOrdinals = 64 << blockShift
        let oneWindow = Int(last.ordinal) < windowOrdinals
        var windowStart = 0
        var firstWord = 0
        // Masks by slot, then by step (its words, then where a chain can end at it), then by
        // pattern (where its chain ends).
        let scratch = slotCount + 1 + 2 * stepCount + patternCount
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: scratch) { masks in
            guard let base = masks.baseAddress else { return }
            let stepMasks = base + slotCount + 1
            let reaches = stepMasks + stepCount
            let ends = reaches + stepCount
            while firstWord < words.count {
                let windowEnd = windowStart + windowOrdinals
                // The words are in order of ordinal: a window that reaches past the last takes the rest.
                var endWord = Int(last.ordinal) < windowEnd ? words.count : firstWord
                while endWord < words.count && Int(words[endWord].ordinal) < windowEnd { endWord += 1 }
                // The slot masks are ored into, so start empty; `ends` is written whole, and the
                // step masks and reaches of every step of a pattern whose chain ends.
                UnsafeMutableBufferPointer(start: base, count: slotCount + 1).initialize(repeating: 0)
                mark(UnsafeBufferPointer(rebasing: words[firstWord..<endWord]), from: windowStart, blockShift: blockShift,
                     rot13: rot13, blocks: base)
                chains(blocks: base, stepMasks: stepMasks, reaches: reaches, ends: ends, blockShift: blockShift)
                for pattern in 0..<patternCount where ends[pattern] != 0 {
                    if oneWindow {
                        plan.patterns.append((pattern, anchorBlocks(pattern, stepMasks: stepMasks, reaches: reaches, blockShift: blockShift)))
                    } else {
                        found.insert(bit: pattern)
                    }
                }
                guard Int(last.ordinal) >= windowEnd else { break }
                windowStart = windowEnd - longestChain
                while firstWord < words.count && Int(words[firstWord].ordinal) < windowStart { firstWord += 1 }
            }
        }
        if oneWindow {
            plan.blockStarts = Self.blockStarts(words, blockShift: blockShift)
        } else {
            plan.patterns = (0..<patternCount).filter { found.contains(bit: $0) }.map { ($0, UInt64.max) }
        }
        return plan
    }

    /// The first word of each of the 64 blocks, and the end of the words.
    private static func blockStarts(_ words: UnsafeBufferPointer<InjectionEngine.Word>, blockShift: Int) -> [Int32] {
        [Int32](unsafeUninitializedCapacity: 65) { starts, initialized in
            starts.initialize(repeating: 0)
            // Words per block, then their running sum: the words are in order of ordinal.
            for word in words { starts[(Int(word.ordinal) &>> blockShift) &+ 1] &+= 1 }
            for block in 1...64 { starts[block] &+= starts[block - 1] }
            initialized = 65
        }
    }

    /// The blocks where `pattern`'s anchor word can be: those a chain reaches at the anchor
    /// step from the first, and from which one goes on to the last.
    private func anchorBlocks(_ pattern: Int, stepMasks: UnsafeMutablePointer<UInt64>, reaches: UnsafeMutablePointer<UInt64>,
                              blockShift: Int) -> UInt64 {
        var onward = stepMasks[lastSteps[pattern]]
        var step = lastSteps[pattern]
        while step > anchorSteps[pattern] {
            onward = stepMasks[step - 1] & spreads[blockShift][step].spread(onward, up: false)
            step -= 1
        }
        return reaches[anchorSteps[pattern]] & onward
    }

    /// The shifts that or a mask with itself moved by 1 through `count` blocks: 1, 2, 4… while
    /// they fit, then one of the rest (0 shifts are no-ops, so every count takes five).
    static func shifts(spreading count: Int) -> Shifts {
        var shifts: [UInt8] = []
        var covered = 0
        while covered + covered + 1 <= count {
            shifts.append(UInt8(covered + 1))
            covered += covered + 1
        }
        if count > covered { shifts.append(UInt8(count - covered)) }
        shifts += Array(repeating: 0, count: 5 - shifts.count)
        return Shifts(a: shifts[0], b: shifts[1], c: shifts[2], d: shifts[3], e: shifts[4])
    }

    struct Shifts: Sendable {
        var a, b, c, d, e: UInt8

        @inline(__always)
        func spread(_ mask: UInt64, up: Bool) -> UInt64 {
            var spread = mask
            if up {
                spread |= spread &<< UInt64(a)
                spread |= spread &<< UInt64(b)
                spread |= spread &<< UInt64(c)
                spread |= spread &<< UInt64(d)
                spread |= spread &<< UInt64(e)
            } else {
                spread |= spread &>> UInt64(a)
                spread |= spread &>> UInt64(b)
                spread |= spread &>> UInt64(c)
                spread |= spread &>> UInt64(d)
                spread |= spread &>> UInt64(e)
            }
            return spread
        }
    }

    /// Sets each word's block in the masks of its classes (and markers).
    private func mark(_ words: UnsafeBufferPointer<InjectionEngine.Word>, from windowStart: Int, blockShift: Int, rot13: Bool,
                      blocks: UnsafeMutablePointer<UInt64>) {
        (rot13 ? rot13EntrySlots : entrySlots).withUnsafeBufferPointer { padded in
            (rot13 ? rot13ExtraStart : extraStart).withUnsafeBufferPointer { extraStart in
                (rot13 ? rot13ExtraSlots : extraSlots).withUnsafeBufferPointer { extraSlots in
                    for word in words {
                        let bit: UInt64 = 1 &<< UInt64((Int(word.ordinal) &- windowStart) &>> blockShift)
                        let entry = Int(word.entry)
                        let first = entry &* Self.slotsPerEntry
                        for offset in 0..<Self.slotsPerEntry { blocks[Int(padded[first &+ offset])] |= bit }
                        for slot in extraSlots[Int(extraStart[entry])..<Int(extraStart[entry &+ 1])] { blocks[Int(slot)] |= bit }
                        if word.markers != 0 {
                            for slot in markerSlots[Int(word.markers)] { blocks[Int(slot)] |= bit }
                        }
                    }
                }
            }
        }
    }

    /// For each pattern, where a chain of blocks through its steps ends (`ends`, zero when
    /// there is none or no `near` class is in the text), and for each step of a pattern whose
    /// chain ends, where the chain can be at it (`reaches`) and where its words are
    /// (`stepMasks`).
    ///
    /// First, without order: a pattern is followed only if the text has a word for each of its
    /// steps and `near`, which the classes present decide for all patterns at once, a few
    /// 256-bit ors per class. Then each remaining pattern is followed until its chain breaks.
    private func chains(blocks: UnsafeMutablePointer<UInt64>, stepMasks: UnsafeMutablePointer<UInt64>, reaches: UnsafeMutablePointer<UInt64>,
                        ends: UnsafeMutablePointer<UInt64>, blockShift: Int) {
        ends.initialize(repeating: 0, count: patternCount)
        let viable = withUnsafeTemporaryAllocation(of: Bits256.self, capacity: unconstrained.count) { filled in
            unconstrained.withUnsafeBufferPointer { unconstrained in
                for position in unconstrained.indices { filled[position] = unconstrained[position] }
            }
            slotPairStart.withUnsafeBufferPointer { pairStart in
              slotPositions.withUnsafeBufferPointer { positions in
                slotPatterns.withUnsafeBufferPointer { patterns in
                    for slot in 0..<slotCount where blocks[slot] != 0 {
                        for pair in Int(pairStart[slot])..<Int(pairStart[slot &+ 1]) {
                            filled[Int(positions[pair])] |= patterns[pair]
                        }
                    }
                }
              }
            }
            var viable = filled[0]
            for position in 1..<filled.count { viable = viable & filled[position] }
            return viable
        }
        anySlots.withUnsafeBufferPointer { anySlots in
          anyStart.withUnsafeBufferPointer { anyStart in
            allSlots.withUnsafeBufferPointer { allSlots in
              allStart.withUnsafeBufferPointer { allStart in
                nearSlots.withUnsafeBufferPointer { nearSlots in
                  nearStart.withUnsafeBufferPointer { nearStart in
                    spreads[blockShift].withUnsafeBufferPointer { shifts in
                        viable.forEachBit { pattern in
                            let nearFrom = Int(nearStart[pattern])
                            let nearTo = Int(nearStart[pattern &+ 1])
                            var near: UInt64 = nearFrom == nearTo ? .max : 0
                            for index in nearFrom..<nearTo { near |= blocks[Int(nearSlots[index])] }
                            // The first step starts from every block, if the pattern's near classes are in the text.
                            var reach: UInt64 = near == 0 ? 0 : .max
                            let first = firstSteps[pattern]
                            let last = lastSteps[pattern]
                            var step = first
                            while true {
                                var mask: UInt64 = 0
                                for index in Int(anyStart[step])..<Int(anyStart[step &+ 1]) { mask |= blocks[Int(anySlots[index])] }
                                for index in Int(allStart[step])..<Int(allStart[step &+ 1]) { mask &= blocks[Int(allSlots[index])] }
                                stepMasks[step] = mask
                                if step != first { reach = shifts[step].spread(reach, up: true) }
                                reach &= mask
                                reaches[step] = reach
                                if reach == 0 || step == last { break }
                                step &+= 1
                            }
                            ends[pattern] = reach
                        }
                    }
                  }
                }
              }
            }
          }
        }
    }
}
