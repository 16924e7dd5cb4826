import Foundation

/// A fixed set of names (a pack's roles, agents, actions, context keys) mapped to small
/// integers, looked up by an FNV-1a hash of the UTF-8 bytes and one open-addressed probe run.
///
/// Deciding looks names up several times per request; a `Dictionary` spends most of that in
/// seeding and finalising SipHash. SipHash's flooding defence is not needed here: the names
/// come from the pack, so a request can only probe, never lengthen a chain.
struct NameTable: Sendable {
    private let names: [String]
    private let values: [Int]
    /// Open-addressed: an index into `names`, or -1 for an empty slot.
    private let slots: [Int32]
    // Invariant: `slots.count` is a power of two at least twice `names.count`, so every
    // probe run ends at an empty slot.
    private let mask: Int

    /// Later entries with a name already present are ignored.
    init(_ entries: some Sequence<(String, Int)>) {
        var names: [String] = []
        var values: [Int] = []
        var seen = Set<String>()
        for (name, value) in entries where seen.insert(name).inserted {
            names.append(name)
            values.append(value)
        }
        var size = 4
        while size < names.count * 2 { size *= 2 }
        var slots = [Int32](repeating: -1, count: size)
        for (index, name) in names.enumerated() {
            var slot = Self.hash(name) & (size - 1)
            while slots[slot] >= 0 { slot = (slot + 1) & (size - 1) }
            slots[slot] = Int32(index)
        }
        self.names = names
        self.values = values
        self.slots = slots
        mask = size - 1
    }

    /// The value stored for `name`, if the table has it.
    @inline(__always)
    func value(of name: String) -> Int? {
        var slot = Self.hash(name) & mask
        while true {
            let index = Int(slots[slot])
            if index < 0 { return nil }
            if names[index] == name { return values[index] }
            slot = (slot + 1) & mask
        }
    }

    /// FNV-1a of the name's UTF-8 bytes in normalization form C, so that names Swift calls
    /// equal (canonically equivalent: "\u{212A}", the Kelvin sign, is "K") hash alike, as
    /// `==` in the probe needs. ASCII is its own NFC: only other text is normalized.
    @inline(__always)
    private static func hash(_ name: String) -> Int {
        let ascii = name.utf8.withContiguousStorageIfAvailable { bytes -> UInt64? in
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            var high: UInt8 = 0
            for byte in bytes {
                high |= byte
                hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
            }
            return high < 0x80 ? hash : nil
        }
        var hash = (ascii ?? nil) ?? fnv(name.unicodeScalars.allSatisfy(\.isASCII) ? name : name.precomposedStringWithCanonicalMapping)
        hash ^= hash >> 29
        return Int(truncatingIfNeeded: hash)
    }

    private static func fnv(_ text: String) -> UInt64 {
        text.utf8.reduce(0xcbf2_9ce4_8422_2325) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }
    }
}
