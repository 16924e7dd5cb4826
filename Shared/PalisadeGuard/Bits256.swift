/// A set of word classes, one bit each (see `Vocabulary`); a word can belong to several.
typealias WordClasses = Bits256

/// 256 bits, for sets of small integers (word classes, pattern indices).
struct Bits256: Sendable, Hashable {
    private var low: UInt128
    private var high: UInt128

    static let none = Bits256(low: 0, high: 0)
    static let capacity = 256

    private init(low: UInt128, high: UInt128) {
        self.low = low
        self.high = high
    }

    /// Bits 0–63 in `words.0`, 64–127 in `words.1`, and so on.
    init(words: (UInt64, UInt64, UInt64, UInt64)) {
        low = UInt128(words.1) << 64 | UInt128(words.0)
        high = UInt128(words.3) << 64 | UInt128(words.2)
    }

    init(bit: Int) {
        precondition((0..<Self.capacity).contains(bit), "word class bit out of range")
        self = bit < 128 ? Bits256(low: 1 << UInt128(bit), high: 0) : Bits256(low: 0, high: 1 << UInt128(bit - 128))
    }

    var isEmpty: Bool { low == 0 && high == 0 }

    @inline(__always) func intersects(_ other: Bits256) -> Bool { low & other.low != 0 || high & other.high != 0 }

    @inline(__always) func contains(_ other: Bits256) -> Bool { low & other.low == other.low && high & other.high == other.high }

    @inline(__always) func contains(bit: Int) -> Bool {
        bit < 128 ? low & (1 << UInt128(bit)) != 0 : high & (1 << UInt128(bit - 128)) != 0
    }

    @inline(__always) mutating func insert(bit: Int) {
        if bit < 128 { low |= 1 << UInt128(bit) } else { high |= 1 << UInt128(bit - 128) }
    }

    @inline(__always) static func | (a: Bits256, b: Bits256) -> Bits256 { Bits256(low: a.low | b.low, high: a.high | b.high) }

    @inline(__always) static func & (a: Bits256, b: Bits256) -> Bits256 { Bits256(low: a.low & b.low, high: a.high & b.high) }

    @inline(__always) static func |= (a: inout Bits256, b: Bits256) { a = a | b }

    /// Calls `body` with each set bit, in ascending order.
    @inline(__always) func forEachBit(_ body: (Int) -> Void) {
        var remaining = low
        while remaining != 0 {
            body(remaining.trailingZeroBitCount)
            remaining &= remaining &- 1
        }
        remaining = high
        while remaining != 0 {
            body(128 + remaining.trailingZeroBitCount)
            remaining &= remaining &- 1
        }
    }
}
