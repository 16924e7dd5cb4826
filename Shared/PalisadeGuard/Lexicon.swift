/// Folded words (one token each) to the classes they belong to, in an open-addressing table
/// keyed by a hash of the word's first and last eight bytes and its length (constant time, no
/// chain of multiplications through the word): a lookup costs that hash and,
/// for most tokens (which are not in the lexicon), one bit of an 8 KiB filter. An entry is a
/// small id; the classes live in dense arrays indexed by it, so a word in a text costs 20
/// bytes, not the 64 of its classes.
struct Lexicon: Sendable {
    struct Entry: Sendable {
        var offset: Int32
        var length: Int32
        var id: Int32
        /// The word's `Key`: for words of at most 16 bytes, the whole word.
        var head: UInt64
        var tail: UInt64
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

        @inline(__always)
        init(head: UInt64, tail: UInt64) {
            self.head = head
            self.tail = tail
        }

        /// The table's hash of a word of `count` bytes with this key; never 0, which marks an
        /// empty slot.
        @inline(__always)
        func hash(count: Int) -> UInt32 {
            var mixed = head &* 0x9E37_79B9_7F4A_7C15
            mixed ^= tail &* 0xC2B2_AE3D_27D4_EB4F
            mixed ^= UInt64(truncatingIfNeeded: count) &* 0x1656_67B1_9E37_79F9
            mixed ^= mixed &>> 29
            return max(1, UInt32(truncatingIfNeeded: mixed ^ (mixed &>> 32)))
        }
    }

    /// Longer tokens are never looked up (no word of the lexicon is this long).
    static var maximumWordLength: Int { 40 }

    /// Slot hashes; 0 marks an empty slot (a word hashing to 0 is stored as 1).
    private var hashes: [UInt32]
    private var slots: [Entry]
    private var bytes: [UInt8] = []
    private let mask: Int
    /// One bit per value of a hash's upper 16 bits (8 KiB, in L1).
    private var filter = [UInt64](repeating: 0, count: 1024)
    /// By entry id: the word's classes, and the classes of the word it is the ROT13 of.
    private(set) var classes: [WordClasses] = []
    private(set) var rot13Classes: [WordClasses] = []

    init(words: [([UInt8], WordClasses)], rot13: [([UInt8], WordClasses)]) {
        var capacity = 16
        while capacity < (words.count + rot13.count) * 2 { capacity <<= 1 }
        hashes = Array(repeating: 0, count: capacity)
        slots = Array(repeating: Entry(offset: 0, length: 0, id: 0, head: 0, tail: 0), count: capacity)
        mask = capacity - 1
        for (word, classes) in words where !word.isEmpty { insert(word, classes: classes, rot13: .none) }
        for (word, classes) in rot13 where !word.isEmpty { insert(word, classes: .none, rot13: classes) }
    }

    /// An id for classes that belong to no word of the table (terms found by substring).
    mutating func addClasses(_ wordClasses: WordClasses) -> Int32 {
        classes.append(wordClasses)
        rot13Classes.append(.none)
        return Int32(classes.count - 1)
    }

    private mutating func insert(_ word: [UInt8], classes wordClasses: WordClasses, rot13: WordClasses) {
        let key = word.withUnsafeBufferPointer { Key($0) }
        let hash = key.hash(count: word.count)
        var slot = Int(hash) & mask
        while hashes[slot] != 0 {
            let entry = slots[slot]
            if hashes[slot] == hash, bytes[Int(entry.offset)..<Int(entry.offset + entry.length)].elementsEqual(word) {
                classes[Int(entry.id)] |= wordClasses
                rot13Classes[Int(entry.id)] |= rot13
                return
            }
            slot = (slot + 1) & mask
        }
        hashes[slot] = hash
        let filterBit = Int(hash >> 16)
        filter[filterBit >> 6] |= 1 << UInt64(filterBit & 63)
        slots[slot] = Entry(offset: Int32(bytes.count), length: Int32(word.count), id: Int32(classes.count), head: key.head, tail: key.tail)
        classes.append(wordClasses)
        rot13Classes.append(rot13)
        bytes.append(contentsOf: word)
    }

    /// The classes of `word`, if the lexicon has it.
    func lookup(_ word: [UInt8]) -> WordClasses? {
        word.withUnsafeBufferPointer { buffer in
            withView { view in view.lookup(buffer).map { view.classes[Int($0)] } }
        }
    }

    /// The table as raw buffers, valid inside `body`: lookups in a loop then cost no reference
    /// counting.
    func withView<Result>(_ body: (View) -> Result) -> Result {
        hashes.withUnsafeBufferPointer { hashes in
            slots.withUnsafeBufferPointer { slots in
                bytes.withUnsafeBufferPointer { bytes in
                    filter.withUnsafeBufferPointer { filter in
                        classes.withUnsafeBufferPointer { classes in
                            rot13Classes.withUnsafeBufferPointer { rot13 in
                                body(View(hashes: hashes, slots: slots, bytes: bytes, filter: filter, mask: mask,
                                          classes: classes, rot13Classes: rot13))
                            }
                        }
                    }
                }
            }
        }
    }

    struct View {
        let hashes: UnsafeBufferPointer<UInt32>
        let slots: UnsafeBufferPointer<Entry>
        let bytes: UnsafeBufferPointer<UInt8>
        let filter: UnsafeBufferPointer<UInt64>
        let mask: Int
        let classes: UnsafeBufferPointer<WordClasses>
        let rot13Classes: UnsafeBufferPointer<WordClasses>

        /// The entry id of `word`, whose key is `key`, if the lexicon has it: words of up to 16
        /// bytes are compared by key alone.
        @inline(__always)
        func lookup(_ key: Key, _ word: UnsafeBufferPointer<UInt8>) -> Int32? {
            let count = word.count
            let hash = key.hash(count: count)
            let filterBit = Int(hash >> 16)
            guard filter[filterBit >> 6] & (1 << UInt64(filterBit & 63)) != 0 else { return nil }
            var slot = Int(hash) & mask
            while true {
                let stored = hashes[slot]
                if stored == 0 { return nil }
                let entry = slots[slot]
                if stored == hash && Int(entry.length) == count && entry.head == key.head && entry.tail == key.tail
                    && (count <= 16 || same(entry, word)) {
                    return entry.id
                }
                slot = (slot + 1) & mask
            }
        }

        private func same(_ entry: Entry, _ word: UnsafeBufferPointer<UInt8>) -> Bool {
            let offset = Int(entry.offset)
            for index in 0..<word.count where bytes[offset + index] != word[index] { return false }
            return true
        }

        /// The entry id of `word`, if the lexicon has it.
        @inline(__always)
        func lookup(_ word: UnsafeBufferPointer<UInt8>) -> Int32? {
            lookup(Key(word), word)
        }
    }
}
