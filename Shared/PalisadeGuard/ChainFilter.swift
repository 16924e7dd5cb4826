import CGuardBytes

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
/// in blocks), never drop one that can. Its work is a fixed program over the patterns, the
/// same for every text: loops whose length only the patterns decide, and selections instead
/// of branches on what a text holds, which the branch predictor could not learn.
struct ChainFilter: Sendable {
    /// One step of one pattern, in pattern order.
    struct Step: Sendable {
        /// The pattern's index; its first step starts the chain, its last leaves the result.
        var pattern: Int16
        var isFirst: Bool
        /// How many ordinals after the previous step's word this step's may be (`gap + 1`).
        var reach: Int32
    }

    /// Classes are numbered densely ("slots") among those some step or `near` names; slot
    /// `slotCount` is a mask nothing reads (padding writes there).
    let slotCount: Int
    private let steps: [Step]
    /// `(step, slot)`: the step accepts the slot's class; the step requires the slot's marker.
    private let anyOf: [(Int16, Int16)]
    private let allOf: [(Int16, Int16)]
    /// `(pattern, slot)`: one of the pattern's `near` classes; and the patterns that have none.
    private let nearOf: [(Int16, Int16)]
    private let withoutNear: [Int16]
    private let patternCount: Int
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

    /// By pattern: the index in `steps` of its first step, and of the step matching starts from.
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
        var steps: [Step] = []
        var anyOf: [(Int16, Int16)] = []
        var allOf: [(Int16, Int16)] = []
        var nearOf: [(Int16, Int16)] = []
        var withoutNear: [Int16] = []
        var longest = 0
        var firstSteps: [Int] = []
        var anchorSteps: [Int] = []
        var lastSteps: [Int] = []
        for (patternIndex, pattern) in patterns.enumerated() {
            firstSteps.append(steps.count)
            anchorSteps.append(steps.count + anchors[patternIndex])
            lastSteps.append(steps.count + pattern.steps.count - 1)
            for (index, step) in pattern.steps.enumerated() {
                let stepIndex = Int16(steps.count)
                anyOf += slotsOf(step.any).map { (stepIndex, $0) }
                allOf += slotsOf(step.all).map { (stepIndex, $0) }
                steps.append(Step(pattern: Int16(patternIndex), isFirst: index == 0, reach: index == 0 ? 0 : Int32(step.gap + 1)))
            }
            longest = max(longest, pattern.steps.dropFirst().reduce(0) { $0 + $1.gap + 1 })
            if pattern.near.isEmpty {
                withoutNear.append(Int16(patternIndex))
            } else {
                nearOf += slotsOf(pattern.near).map { (Int16(patternIndex), $0) }
            }
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
        self.steps = steps
        self.anyOf = anyOf
        self.allOf = allOf
        self.nearOf = nearOf
        self.withoutNear = withoutNear
        patternCount = patterns.count
        self.firstSteps = firstSteps
        self.anchorSteps = anchorSteps
        self.lastSteps = lastSteps
        longestChain = longest
        precondition(longest < 64 * Self.largestBlock / 2, "a chain longer than half a window")
        precondition(steps.allSatisfy { $0.reach < 32 }, "a gap wider than five shifts cover")
        spreads = (0...Self.largestBlock.trailingZeroBitCount).map { blockShift in
            steps.map { step in Self.shifts(spreading: (Int(step.reach) + (1 << blockShift) - 1) >> blockShift) }
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
        // pattern (near classes, then where its chain ends).
        let scratch = slotCount + 1 + 2 * steps.count + 2 * patternCount
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: scratch) { masks in
            guard let base = masks.baseAddress else { return }
            let stepMasks = base + slotCount + 1
            let reaches = stepMasks + steps.count
            let near = reaches + steps.count
            let ends = near + patternCount
            while firstWord < words.count {
                let windowEnd = windowStart + windowOrdinals
                var endWord = firstWord
                while endWord < words.count && Int(words[endWord].ordinal) < windowEnd { endWord += 1 }
                // The masks that are ored into start empty; `reaches` and `ends` are written whole.
                UnsafeMutableBufferPointer(start: base, count: slotCount + 1 + steps.count).initialize(repeating: 0)
                UnsafeMutableBufferPointer(start: near, count: patternCount).initialize(repeating: 0)
                mark(UnsafeBufferPointer(rebasing: words[firstWord..<endWord]), from: windowStart, blockShift: blockShift,
                     rot13: rot13, blocks: base)
                chains(blocks: base, stepMasks: stepMasks, reaches: reaches, near: near, ends: ends, blockShift: blockShift)
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
    /// there is none or no `near` class is in the text), and for each step where the chain
    /// can be at it (`reaches`).
    private func chains(blocks: UnsafeMutablePointer<UInt64>, stepMasks: UnsafeMutablePointer<UInt64>, reaches: UnsafeMutablePointer<UInt64>,
                        near: UnsafeMutablePointer<UInt64>, ends: UnsafeMutablePointer<UInt64>, blockShift: Int) {
        anyOf.withUnsafeBufferPointer { anyOf in
            for (step, slot) in anyOf { stepMasks[Int(step)] |= blocks[Int(slot)] }
        }
        allOf.withUnsafeBufferPointer { allOf in
            for (step, slot) in allOf { stepMasks[Int(step)] &= blocks[Int(slot)] }
        }
        nearOf.withUnsafeBufferPointer { nearOf in
            for (pattern, slot) in nearOf { near[Int(pattern)] |= blocks[Int(slot)] }
        }
        for pattern in withoutNear { near[Int(pattern)] = .max }
        steps.withUnsafeBufferPointer { steps in
          spreads[blockShift].withUnsafeBufferPointer { shifts in
            // The blocks where a chain of the pattern's steps so far can end.
            var reach: UInt64 = 0
            for index in steps.indices {
                let step = steps[index]
                reach = shifts[index].spread(reach, up: true)
                // The first step starts from every block, if the pattern's near classes are in the text.
                let start = UInt64(bitPattern: guard_select(near[Int(step.pattern)] != 0, -1, 0))
                reach = UInt64(bitPattern: guard_select(step.isFirst, Int64(bitPattern: start), Int64(bitPattern: reach)))
                reach &= stepMasks[index]
                reaches[index] = reach
                ends[Int(step.pattern)] = reach
            }
          }
        }
    }
}
