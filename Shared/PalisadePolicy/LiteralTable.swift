/// String literals of many tests on one field, each with the rules that test guards, looked up
/// by the bytes of a request's value: every literal equal to the value, or every literal the
/// value starts with, in one hash probe (and a byte comparison per literal sharing its key).
///
/// Byte-wise, like `starts_with`. Equality in conditions is `String` equality (canonical
/// equivalence), which bytes decide only for ASCII: `RuleIndex` checks that first.
///
/// A class: a decision passes tables around by one reference, where a struct would retain its
/// four arrays at every copy (measured: a third of the decision time).
final class LiteralTable: Sendable {
    private struct Entry: Sendable {
        var literal: Range<Int32>
        var rules: Range<Int32>
        /// The next entry whose key is the same (longer literals of a prefix table), or -1.
        var next: Int32
    }

    /// Prefix tables key their literals by their first `keyLength` bytes (the shortest
    /// literal's length); equality tables by the whole literal (`Int.max`).
    let keyLength: Int
    private let bytes: [UInt8]
    private let entries: [Entry]
    private let ruleList: [Int32]
    /// Open-addressed: the first entry of a key, or -1.
    private let slots: [Int32]
    // Invariant: `slots.count` is a power of two at least twice the number of keys, so every
    // probe run ends at an empty slot.
    private let mask: Int

    /// `literals`: each literal with the rules it guards. `prefixes`: whether a value matches a
    /// literal it starts with (else only an equal one).
    init(_ literals: [(literal: [UInt8], rules: [Int32])], prefixes: Bool) {
        var merged: [[UInt8]: [Int32]] = [:]
        for (literal, rules) in literals { merged[literal, default: []] += rules }
        let sorted = merged.sorted { $0.key.lexicographicallyPrecedes($1.key) }
        keyLength = prefixes ? (sorted.map(\.key.count).min() ?? 0) : Int.max
        var bytes: [UInt8] = []
        var entries: [Entry] = []
        var ruleList: [Int32] = []
        var heads: [[UInt8]: Int32] = [:]
        for (literal, rules) in sorted {
            let key = Array(literal.prefix(keyLength))
            let literalStart = Int32(bytes.count)
            bytes += literal
            let rulesStart = Int32(ruleList.count)
            ruleList += Set(rules).sorted()
            entries.append(Entry(literal: literalStart..<Int32(bytes.count), rules: rulesStart..<Int32(ruleList.count),
                                 next: heads[key] ?? -1))
            heads[key] = Int32(entries.count - 1)
        }
        var size = 4
        while size < heads.count * 2 { size *= 2 }
        var slots = [Int32](repeating: -1, count: size)
        for (key, head) in heads {
            var slot = key.withUnsafeBufferPointer { Self.hash($0) } & (size - 1)
            while slots[slot] >= 0 { slot = (slot + 1) & (size - 1) }
            slots[slot] = head
        }
        self.bytes = bytes
        self.entries = entries
        self.ruleList = ruleList
        self.slots = slots
        mask = size - 1
    }

    /// Every rule any literal guards (for a value no lookup can answer exactly).
    var allRules: [Int32] { ruleList }

    /// Calls `body` with the rules of every literal that `value` equals (or starts with, in
    /// a prefix table).
    @inline(__always)
    func forEachMatch(_ value: UnsafeBufferPointer<UInt8>, _ body: (Int32) -> Void) {
        let keyCount = keyLength == Int.max ? value.count : keyLength
        // Shorter than every literal of a prefix table: none is its prefix.
        guard value.count >= keyCount else { return }
        let key = UnsafeBufferPointer(rebasing: value[0..<keyCount])
        bytes.withUnsafeBufferPointer { bytes in
            var slot = Self.hash(key) & mask
            while true {
                var entry = Int(slots[slot])
                if entry < 0 { return }
                let head = entries[entry].literal
                // The slot's first entry says whose key the slot holds.
                guard Self.equal(key, bytes, head.lowerBound..<head.lowerBound + Int32(min(head.count, keyCount))) else {
                    slot = (slot + 1) & mask
                    continue
                }
                while entry >= 0 {
                    let literal = entries[entry].literal
                    if literal.count <= value.count,
                       Self.equal(UnsafeBufferPointer(rebasing: value[0..<literal.count]), bytes, literal) {
                        for rule in entries[entry].rules { body(ruleList[Int(rule)]) }
                    }
                    entry = Int(entries[entry].next)
                }
                return
            }
        }
    }

    @inline(__always)
    private static func equal(_ value: UnsafeBufferPointer<UInt8>, _ bytes: UnsafeBufferPointer<UInt8>, _ literal: Range<Int32>) -> Bool {
        guard value.count == literal.count else { return false }
        var offset = Int(literal.lowerBound)
        for byte in value {
            if byte != bytes[offset] { return false }
            offset += 1
        }
        return true
    }

    @inline(__always)
    private static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        hash ^= hash >> 29
        return Int(truncatingIfNeeded: hash)
    }
}
