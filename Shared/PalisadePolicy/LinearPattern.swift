/// The `matches` operator's patterns: a regular-expression subset (literals, `.`, classes
/// `[a-z]` and `[^…]`, `\d \w \s` and their negations, groups, `|`, `* + ?`, `{m}`, `{m,}`,
/// `{m,n}`, `^` and `$` at the ends, `(?i)` in front) compiled to a Glushkov automaton of at
/// most 64 positions and run bit-parallel: one pass over the text, no backtracking, no
/// allocation, time linear in the text whatever the pattern.
public struct LinearPattern: Sendable {
    /// At most this many characters and classes after repetitions are spelled out.
    public static let maximumPositions = 64

    /// Positions that accept each ASCII scalar.
    private let asciiAccepts: [UInt64]
    /// Positions and their sets, for scalars beyond ASCII.
    private let wideSets: [(position: UInt64, set: ScalarSet)]
    /// `follows[p]`: positions that may come right after position `p`.
    private let follows: [UInt64]
    private let first: UInt64
    private let last: UInt64
    private let nullable: Bool
    private let anchoredStart: Bool
    private let anchoredEnd: Bool

    public init(_ source: String) throws(PatternError) {
        var parser = PatternParser(source)
        let syntax = try parser.parse()
        var positions: [ScalarSet] = []
        let node = try Self.linearize(syntax.node, caseInsensitive: syntax.caseInsensitive, into: &positions)
        var follows = [UInt64](repeating: 0, count: positions.count)
        let shape = Self.analyze(node, follows: &follows)
        var ascii = [UInt64](repeating: 0, count: 128)
        for (index, set) in positions.enumerated() {
            for scalar in 0..<128 where set.contains(UInt32(scalar)) { ascii[scalar] |= 1 << UInt64(index) }
        }
        asciiAccepts = ascii
        wideSets = positions.enumerated().compactMap { index, set in set.mayHoldWide ? (1 << UInt64(index), set) : nil }
        self.follows = follows
        first = shape.first
        last = shape.last
        nullable = shape.nullable
        anchoredStart = syntax.anchoredStart
        anchoredEnd = syntax.anchoredEnd
    }

    /// Whether the pattern matches somewhere in `text` (everywhere between the anchors given).
    public func matches(_ text: String) -> Bool {
        if nullable && !anchoredEnd { return true }
        var active: UInt64 = 0
        var atStart = true
        for scalar in text.unicodeScalars {
            var reach: UInt64 = anchoredStart && !atStart ? 0 : first
            var bits = active
            while bits != 0 {
                reach |= follows[bits.trailingZeroBitCount]
                bits &= bits &- 1
            }
            active = reach & accepts(scalar.value)
            atStart = false
            if !anchoredEnd && active & last != 0 { return true }
            if anchoredStart && active == 0 { return false }
        }
        return active & last != 0 || (nullable && (!anchoredStart || atStart))
    }

    @inline(__always)
    private func accepts(_ scalar: UInt32) -> UInt64 {
        if scalar < 128 { return asciiAccepts[Int(scalar)] }
        var mask: UInt64 = 0
        for (position, set) in wideSets where set.contains(scalar) { mask |= position }
        return mask
    }

    // MARK: Construction

    /// A node whose atoms are numbered positions; repetitions are spelled out, so each copy
    /// of an atom is a position of its own.
    private indirect enum Linear {
        case empty
        case atom(Int)
        case concat([Linear])
        case alternation([Linear])
        case star(Linear)
        case plus(Linear)
        case optional(Linear)
    }

    private static func linearize(_ node: PatternSyntax, caseInsensitive: Bool, into positions: inout [ScalarSet]) throws(PatternError) -> Linear {
        switch node {
        case .empty:
            return .empty
        case .set(var set, let offset):
            if caseInsensitive { set.addOtherCase() }
            guard positions.count < maximumPositions else {
                throw PatternError(message: "pattern too long: at most \(maximumPositions) characters and classes", offset: offset)
            }
            positions.append(set)
            return .atom(positions.count - 1)
        case .concat(let parts):
            var linear: [Linear] = []
            for part in parts { linear.append(try linearize(part, caseInsensitive: caseInsensitive, into: &positions)) }
            return .concat(linear)
        case .alternation(let branches):
            var linear: [Linear] = []
            for branch in branches { linear.append(try linearize(branch, caseInsensitive: caseInsensitive, into: &positions)) }
            return .alternation(linear)
        case .repeat(let inner, let minimum, let maximum):
            var copies: [Linear] = []
            for _ in 0..<minimum { copies.append(try linearize(inner, caseInsensitive: caseInsensitive, into: &positions)) }
            if let maximum {
                for _ in minimum..<maximum {
                    copies.append(.optional(try linearize(inner, caseInsensitive: caseInsensitive, into: &positions)))
                }
            } else if minimum == 0 {
                copies.append(.star(try linearize(inner, caseInsensitive: caseInsensitive, into: &positions)))
            } else {
                // x{m,}: the last required copy repeats.
                let repeated = copies.removeLast()
                copies.append(.plus(repeated))
            }
            return .concat(copies)
        }
    }

    private struct Shape {
        var nullable: Bool
        var first: UInt64
        var last: UInt64
    }

    private static func analyze(_ node: Linear, follows: inout [UInt64]) -> Shape {
        switch node {
        case .empty:
            return Shape(nullable: true, first: 0, last: 0)
        case .atom(let position):
            return Shape(nullable: false, first: 1 << UInt64(position), last: 1 << UInt64(position))
        case .concat(let parts):
            var shape = Shape(nullable: true, first: 0, last: 0)
            for part in parts {
                let next = analyze(part, follows: &follows)
                link(shape.last, to: next.first, follows: &follows)
                shape.first |= shape.nullable ? next.first : 0
                shape.last = next.last | (next.nullable ? shape.last : 0)
                shape.nullable = shape.nullable && next.nullable
            }
            return shape
        case .alternation(let branches):
            var shape = Shape(nullable: false, first: 0, last: 0)
            for branch in branches {
                let next = analyze(branch, follows: &follows)
                shape.nullable = shape.nullable || next.nullable
                shape.first |= next.first
                shape.last |= next.last
            }
            return shape
        case .star(let inner):
            let shape = analyze(inner, follows: &follows)
            link(shape.last, to: shape.first, follows: &follows)
            return Shape(nullable: true, first: shape.first, last: shape.last)
        case .plus(let inner):
            let shape = analyze(inner, follows: &follows)
            link(shape.last, to: shape.first, follows: &follows)
            return shape
        case .optional(let inner):
            var shape = analyze(inner, follows: &follows)
            shape.nullable = true
            return shape
        }
    }

    private static func link(_ from: UInt64, to: UInt64, follows: inout [UInt64]) {
        var bits = from
        while bits != 0 {
            follows[bits.trailingZeroBitCount] |= to
            bits &= bits &- 1
        }
    }
}

/// A pattern that cannot be compiled; `offset` counts Unicode scalars into the pattern.
public struct PatternError: Error, Sendable, Equatable {
    public var message: String
    public var offset: Int
}

/// The scalars one position accepts.
struct ScalarSet: Sendable {
    /// ASCII scalars, one bit each.
    private var low: UInt64 = 0
    private var high: UInt64 = 0
    /// Scalars beyond ASCII.
    private var wide: [ClosedRange<UInt32>] = []
    var negated = false
    /// The scalar, when the set was made of exactly one (an escape that may start a range).
    private(set) var single: UInt32?

    static func single(_ scalar: UInt32) -> ScalarSet {
        var set = ScalarSet()
        set.insert(scalar...scalar)
        set.single = scalar
        return set
    }

    static var any: ScalarSet {
        var set = ScalarSet()
        set.negated = true
        return set
    }

    static let digits: ScalarSet = { var set = ScalarSet(); set.insert(0x30...0x39); return set }()
    static let wordCharacters: ScalarSet = {
        var set = ScalarSet()
        set.insert(0x30...0x39); set.insert(0x41...0x5A); set.insert(0x61...0x7A); set.insert(0x5F...0x5F)
        return set
    }()
    static let spaces: ScalarSet = {
        var set = ScalarSet()
        set.insert(0x09...0x0D); set.insert(0x20...0x20)
        return set
    }()

    mutating func insert(_ range: ClosedRange<UInt32>) {
        single = nil
        if range.lowerBound < 128 {
            for scalar in range.lowerBound...min(range.upperBound, 127) {
                if scalar < 64 { low |= 1 << UInt64(scalar) } else { high |= 1 << UInt64(scalar - 64) }
            }
        }
        if range.upperBound >= 128 { wide.append(max(range.lowerBound, 128)...range.upperBound) }
    }

    mutating func insert(_ other: ScalarSet) {
        precondition(!other.negated, "only plain sets are merged")
        single = nil
        low |= other.low
        high |= other.high
        wide += other.wide
    }

    /// Adds the other case of every ASCII letter, for `(?i)`.
    mutating func addOtherCase() {
        let upper: UInt64 = 0x07FF_FFFE // bits of A–Z in `high` (0x41–0x5A minus 64)
        let lower: UInt64 = 0x07FF_FFFE << 32 // a–z (0x61–0x7A minus 64)
        high |= (high & upper) << 32 | (high & lower) >> 32
    }

    var mayHoldWide: Bool { negated || !wide.isEmpty }

    @inline(__always)
    func contains(_ scalar: UInt32) -> Bool {
        let inside: Bool
        if scalar < 64 {
            inside = low & (1 << UInt64(scalar)) != 0
        } else if scalar < 128 {
            inside = high & (1 << UInt64(scalar - 64)) != 0
        } else {
            inside = wide.contains { $0.contains(scalar) }
        }
        return inside != negated
    }
}
