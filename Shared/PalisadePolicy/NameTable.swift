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
            var slot = Self.hash(Self.normalized(name)) & (size - 1)
            while slots[slot] >= 0 { slot = (slot + 1) & (size - 1) }
            slots[slot] = Int32(index)
        }
        self.names = names
        self.values = values
        self.slots = slots
        mask = size - 1
    }

    /// The value stored for `name`, if the table has it. Names are equal as Swift strings
    /// are (canonically equivalent: "\u{212A}", the Kelvin sign, is "K"), while the hash is of
    /// bytes: names are placed by the bytes of their NFC form, and a name that is not ASCII
    /// (ASCII is its own NFC) and missed is looked for again by its NFC form.
    @inline(__always)
    func value(of name: String) -> Int? {
        if let value = probe(name, hash: Self.hash(name)) { return value }
        return name.utf8.allSatisfy({ $0 < 0x80 }) ? nil : normalizedValue(of: name)
    }

    @inline(__always)
    private func probe(_ name: String, hash: Int) -> Int? {
        var slot = hash & mask
        while true {
            let index = Int(slots[slot])
            if index < 0 { return nil }
            if names[index] == name { return values[index] }
            slot = (slot + 1) & mask
        }
    }

    /// For a name that is not ASCII.
    @inline(never)
    private func normalizedValue(of name: String) -> Int? {
        probe(name, hash: Self.hash(name.precomposedStringWithCanonicalMapping))
    }

    private static func normalized(_ name: String) -> String {
        name.utf8.allSatisfy { $0 < 0x80 } ? name : name.precomposedStringWithCanonicalMapping
    }

    @inline(__always)
    private static func hash(_ name: String) -> Int {
        let hashed = name.utf8.withContiguousStorageIfAvailable { bytes in
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
            return hash
        }
        var hash = hashed ?? name.utf8.reduce(0xcbf2_9ce4_8422_2325) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }
        hash ^= hash >> 29
        return Int(truncatingIfNeeded: hash)
    }
}
