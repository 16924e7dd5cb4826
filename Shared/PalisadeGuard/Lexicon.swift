import CGuardBytes

/// Folded words (one token each) to the classes they belong to, in a perfect hash table
/// (hash and displace): a word's hash picks a displacement, the displacement its one slot,
/// and the slot's fingerprint and entry settle whether it is the word. A lookup is a hash of
/// the word's first and last eight bytes and its length (no loop through the word), three
/// loads and comparisons selected without a branch: in prose, whether a token is in the
/// lexicon is a coin toss the branch predictor cannot learn, and probing or a filter in front
/// cost a misprediction on every other word. Entry ids are small (0 is no entry); the classes
/// live in dense arrays indexed by them, so a word in a text costs 20 bytes, not the 64 of
/// its classes.
struct Lexicon: Sendable {
    struct Entry: Sendable {
        /// The word's `Key`: for words of at most 16 bytes, the whole word.
        var head: UInt64
        var tail: UInt64
        /// -1 for id 0 and the ids of classes without a word, which no token's length equals.
        var length: Int32
        /// Where the word's bytes are (for the rare word longer than 16 bytes).
        var offset: Int32
    }

    /// A word's first eight bytes (zero-padded when shorter) and, from eight bytes on, its last
    /// eight: what the hash mixes, and for words of up to 16 bytes a comparison without a loop.
    struct Key {
        var head: UInt64
        var tail: UInt64

        @inline(__always)
        init(_ word: UnsafeBufferPointer<UInt8>) {
            let count = word.count
            if count >= 8, let base = UnsafeRawPointer(word.baseAddress) {
                head = base.loadUnaligned(as: UInt64.self)
                tail = base.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
                return
            }
            head = 0
            for index in 0..<count { head |= UInt64(word[index]) &<< UInt64(8 * index) }
            tail = 0
        }

        /// The key of the `count` bytes at `word`, which may be read eight bytes past its start
        /// (the caller guarantees they are there): loads and masks, no branch on the length.
        /// Bytes are read little-endian, as `init(_:)` assembles them.
        @inline(__always)
        init(loading word: UnsafeRawPointer, count: Int) {
            // All ones for a word of eight bytes or more, else zero.
            let long = UInt64(bitPattern: Int64(truncatingIfNeeded: 7 &- count) &>> 63)
            head = word.loadUnaligned(as: UInt64.self) & (long | ((1 &<< UInt64(truncatingIfNeeded: (8 &* count) & 63)) &- 1))
            // A short word reads its head again here, which the mask drops.
            tail = word.loadUnaligned(fromByteOffset: (count &- 8) & Int(truncatingIfNeeded: long), as: UInt64.self) & long
        }

        @inline(__always)
        init(head: UInt64, tail: UInt64) {
            self.head = head
            self.tail = tail
        }

        /// The table's hash of a word of `count` bytes with this key: its top bits choose the
        /// displacement, its low bits (displaced) the slot.
        @inline(__always)
        func hash(count: Int, seed: UInt64) -> UInt64 {
            // Three independent products, so their latencies overlap.
            var mixed = (head ^ seed) &* 0x9E37_79B9_7F4A_7C15
            mixed ^= tail &* 0xC2B2_AE3D_27D4_EB4F
            mixed ^= UInt64(truncatingIfNeeded: count) &* 0x1656_67B1_9E37_79F9
            return mixed ^ (mixed &>> 31)
        }
    }

    /// Longer tokens are never looked up (no word of the lexicon is this long).
    static var maximumWordLength: Int { 40 }

    /// By the top bits of a word's hash: what its low bits are XORed with to give its slot.
    private var displacements: [UInt16] = []
    private var displacementShift: UInt64 = 64
    /// A slot is 16 bits of its word's hash (`fingerprint`) above the word's entry id, so
    /// that the table (16 KiB for the lexicon) stays in the first-level cache; the entry's
    /// key then settles the match.
    private var slots: [UInt32] = []
    private var slotMask = 0
    /// Varies the hash until every group of words sharing a displacement finds free slots.
    private var seed: UInt64 = 0
    /// By entry id.
    private var entries: [Entry] = [Entry(head: 0, tail: 0, length: -1, offset: 0)]
    private var bytes: [UInt8] = []
    private var words: [[UInt8]] = [[]]
    /// By entry id: the word's classes, and the classes of the word it is the ROT13 of. Id 0
    /// has none.
    private(set) var classes: [WordClasses] = [.none]
    private(set) var rot13Classes: [WordClasses] = [.none]

    init(words: [([UInt8], WordClasses)], rot13: [([UInt8], WordClasses)]) {
        var ids: [[UInt8]: Int32] = [:]
        func add(_ word: [UInt8], _ wordClasses: WordClasses, _ rot13: WordClasses) {
            guard !word.isEmpty else { return }
            if let id = ids[word] {
                classes[Int(id)] |= wordClasses
                rot13Classes[Int(id)] |= rot13
                return
            }
            ids[word] = Int32(classes.count)
            let key = word.withUnsafeBufferPointer { Key($0) }
            entries.append(Entry(head: key.head, tail: key.tail, length: Int32(word.count), offset: Int32(bytes.count)))
            bytes.append(contentsOf: word)
            self.words.append(word)
            classes.append(wordClasses)
            rot13Classes.append(rot13)
        }
        for (word, wordClasses) in words { add(word, wordClasses, .none) }
        for (word, wordClasses) in rot13 { add(word, .none, wordClasses) }
        buildTable()
    }

    /// Groups the words by the top bits of their hash (about two a group), then, largest group
    /// first, finds for each group the smallest displacement that puts all its words in free
    /// slots; a seed where some group finds none is given up for the next.
    private mutating func buildTable() {
        let count = words.count - 1
        var slotCount = 16
        // At most 80 % full: the table stays small, and displacements are quick to find.
        while slotCount * 4 < count * 5 { slotCount <<= 1 }
        var groupBits = 1
        while 1 << groupBits < max(2, count / 2) { groupBits += 1 }
        precondition(slotCount <= 1 << 16 && words.count <= 1 << 16, "displacements and ids are 16 bits")
        for seed in UInt64(0)..<1000 {
            if place(seed: seed, slotCount: slotCount, groupBits: groupBits) { return }
        }
        preconditionFailure("no seed places the lexicon")
    }

    private mutating func place(seed: UInt64, slotCount: Int, groupBits: Int) -> Bool {
        let mask = slotCount - 1
        let hashes = words.indices.dropFirst().map { id in
            let word = words[id]
            return (id, word.withUnsafeBufferPointer { Key($0) }.hash(count: word.count, seed: seed))
        }
        let shift = UInt64(64 - groupBits)
        var groups = [[(Int, UInt64)]](repeating: [], count: 1 << groupBits)
        for (id, hash) in hashes { groups[Int(hash >> shift)].append((id, hash)) }
        var displacements = [UInt16](repeating: 0, count: 1 << groupBits)
        var taken = [Bool](repeating: false, count: slotCount)
        var table = [UInt32](repeating: 0, count: slotCount)
        let order = groups.indices.sorted { (groups[$0].count, $1) > (groups[$1].count, $0) }
        for group in order where !groups[group].isEmpty {
            let members = groups[group]
            let homes = members.map { Int(truncatingIfNeeded: $0.1) & mask }
            // Two words of one group with one home collide whatever the displacement.
            guard Set(homes).count == homes.count else { return false }
            var displacement = 0
            while displacement < slotCount && homes.contains(where: { taken[$0 ^ displacement] }) { displacement += 1 }
            guard displacement < slotCount else { return false }
            displacements[group] = UInt16(displacement)
            for (id, hash) in members {
                let slot = Int(truncatingIfNeeded: hash) & mask ^ displacement
                taken[slot] = true
                table[slot] = UInt32(Self.fingerprint(hash)) << 16 | UInt32(id)
            }
        }
        self.seed = seed
        self.displacements = displacements
        displacementShift = shift
        slots = table
        slotMask = mask
        return true
    }

    @inline(__always)
    static func fingerprint(_ hash: UInt64) -> UInt16 { UInt16(truncatingIfNeeded: hash &>> 32) }

    /// An id for classes that belong to no word of the table (terms found by substring).
    mutating func addClasses(_ wordClasses: WordClasses) -> Int32 {
        entries.append(Entry(head: 0, tail: 0, length: -1, offset: 0))
        classes.append(wordClasses)
        rot13Classes.append(.none)
        return Int32(classes.count - 1)
    }

    /// The classes of `word`, if the lexicon has it.
    func lookup(_ word: [UInt8]) -> WordClasses? {
        word.withUnsafeBufferPointer { buffer in
            withView { view in
                let id = view.lookup(buffer)
                return id == 0 ? nil : view.classes[Int(id)]
            }
        }
    }

    /// The table as raw buffers, valid inside `body`: lookups in a loop then cost no reference
    /// counting.
    func withView<Result>(_ body: (View) -> Result) -> Result {
        displacements.withUnsafeBufferPointer { displacements in
            slots.withUnsafeBufferPointer { slots in
                entries.withUnsafeBufferPointer { entries in
                    bytes.withUnsafeBufferPointer { bytes in
                        classes.withUnsafeBufferPointer { classes in
                            rot13Classes.withUnsafeBufferPointer { rot13 in
                                let probe = Probe(displacements: displacements, displacementShift: displacementShift, slots: slots,
                                                  slotMask: slotMask, seed: seed, entries: entries, bytes: bytes)
                                return body(View(probe: probe, classes: classes, rot13Classes: rot13))
                            }
                        }
                    }
                }
            }
        }
    }

    /// What a lookup reads, apart from the classes: taken out of a `View` before a loop, so
    /// that the loop copies no more than it uses.
    struct Probe {
        let displacements: UnsafeBufferPointer<UInt16>
        let displacementShift: UInt64
        let slots: UnsafeBufferPointer<UInt32>
        let slotMask: Int
        let seed: UInt64
        let entries: UnsafeBufferPointer<Entry>
        let bytes: UnsafeBufferPointer<UInt8>

        /// The entry id of the `count` bytes at `word`, whose key is `key`, or 0. Words of up
        /// to 16 bytes are compared by key alone; only a longer word that matched its key is
        /// compared byte by byte.
        @inline(__always)
        func lookup(_ key: Key, count: Int, at word: UnsafePointer<UInt8>) -> Int32 {
            let hash = key.hash(count: count, seed: seed)
            let displacement = Int(displacements[Int(truncatingIfNeeded: hash &>> displacementShift)])
            let slot = slots[Int(truncatingIfNeeded: hash) & slotMask ^ displacement]
            // The slot's id if its fingerprint is this word's (else 0, whose entry no key equals).
            let id = guard_select_if_zero(UInt64(slot >> 16 ^ UInt32(Lexicon.fingerprint(hash))), Int32(slot & 0xFFFF))
            let entry = entries[Int(id)]
            let difference = (entry.head ^ key.head) | (entry.tail ^ key.tail) | UInt64(truncatingIfNeeded: Int(entry.length) ^ count)
            let found = guard_select_if_zero(difference, id)
            if count > 16 && found != 0 && !sameBytes(entry, word, count) { return 0 }
            return found
        }

        private func sameBytes(_ entry: Entry, _ word: UnsafePointer<UInt8>, _ count: Int) -> Bool {
            let offset = Int(entry.offset)
            for index in 0..<count where bytes[offset + index] != word[index] { return false }
            return true
        }
    }

    struct View {
        let probe: Probe
        let classes: UnsafeBufferPointer<WordClasses>
        let rot13Classes: UnsafeBufferPointer<WordClasses>

        /// The entry id of `word`, or 0.
        @inline(__always)
        func lookup(_ word: UnsafeBufferPointer<UInt8>) -> Int32 {
            guard let base = word.baseAddress else { return 0 }
            return probe.lookup(Key(word), count: word.count, at: base)
        }
    }
}
