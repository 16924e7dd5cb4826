/// A `matches` pattern as parsed, before its atoms are numbered.
indirect enum PatternSyntax {
    case empty
    /// One character or class, at `offset` in the pattern.
    case set(ScalarSet, offset: Int)
    case concat([PatternSyntax])
    case alternation([PatternSyntax])
    /// `maximum` nil: unbounded.
    case `repeat`(PatternSyntax, minimum: Int, maximum: Int?)
}

/// Recursive descent over the pattern's scalars; every error names the offset it stopped at.
struct PatternParser {
    struct Parsed {
        var node: PatternSyntax
        var caseInsensitive: Bool
        var anchoredStart: Bool
        var anchoredEnd: Bool
    }

    /// Bounds on `{m,n}`: a bigger count would only exceed the position limit later.
    static let maximumCount = 64

    private let scalars: [UInt32]
    private var index = 0

    init(_ source: String) {
        scalars = source.unicodeScalars.map(\.value)
    }

    mutating func parse() throws(PatternError) -> Parsed {
        var caseInsensitive = false
        if starts(with: "(?i)") {
            caseInsensitive = true
            index += 4
        }
        let anchoredStart = peek == Self.caret
        if anchoredStart { index += 1 }
        let node = try alternation()
        var anchoredEnd = false
        if peek == Self.dollar {
            anchoredEnd = true
            index += 1
        }
        if index < scalars.count {
            throw error(peek == Self.closeParen ? "unbalanced ')'" : peek == Self.caret || peek == Self.dollar
                ? "'^' and '$' may only stand at the ends of the pattern" : "unexpected character")
        }
        return Parsed(node: node, caseInsensitive: caseInsensitive, anchoredStart: anchoredStart, anchoredEnd: anchoredEnd)
    }

    private static let caret = UInt32(UInt8(ascii: "^"))
    private static let dollar = UInt32(UInt8(ascii: "$"))
    private static let openParen = UInt32(UInt8(ascii: "("))
    private static let closeParen = UInt32(UInt8(ascii: ")"))
    private static let bar = UInt32(UInt8(ascii: "|"))

    private var peek: UInt32? { index < scalars.count ? scalars[index] : nil }

    private func starts(with text: String) -> Bool {
        let wanted = text.unicodeScalars.map(\.value)
        return scalars.count - index >= wanted.count && Array(scalars[index..<index + wanted.count]) == wanted
    }

    private func error(_ message: String) -> PatternError {
        PatternError(message: message, offset: index)
    }

    /// `$` ends the pattern only where nothing follows it.
    private var atEndAnchor: Bool { peek == Self.dollar && index + 1 == scalars.count }

    private mutating func alternation() throws(PatternError) -> PatternSyntax {
        var branches = [try sequence()]
        while peek == Self.bar {
            index += 1
            branches.append(try sequence())
        }
        return branches.count == 1 ? branches[0] : .alternation(branches)
    }

    private mutating func sequence() throws(PatternError) -> PatternSyntax {
        var parts: [PatternSyntax] = []
        while let scalar = peek, scalar != Self.bar, scalar != Self.closeParen, !atEndAnchor {
            var atom = try self.atom()
            atom = try quantified(atom)
            parts.append(atom)
        }
        return parts.isEmpty ? .empty : parts.count == 1 ? parts[0] : .concat(parts)
    }

    private mutating func quantified(_ atom: PatternSyntax) throws(PatternError) -> PatternSyntax {
        guard let scalar = peek else { return atom }
        switch Unicode.Scalar(scalar) {
        case "*": index += 1; return try noSecondQuantifier(.repeat(atom, minimum: 0, maximum: nil))
        case "+": index += 1; return try noSecondQuantifier(.repeat(atom, minimum: 1, maximum: nil))
        case "?": index += 1; return try noSecondQuantifier(.repeat(atom, minimum: 0, maximum: 1))
        case "{":
            let start = index
            index += 1
            let minimum = try count()
            var maximum: Int? = minimum
            if peek == UInt32(UInt8(ascii: ",")) {
                index += 1
                maximum = peek == UInt32(UInt8(ascii: "}")) ? nil : try count()
            }
            guard peek == UInt32(UInt8(ascii: "}")) else { throw error("expected '}' to close the repetition") }
            index += 1
            if let maximum, maximum < minimum {
                throw PatternError(message: "repetition {m,n} needs m <= n", offset: start)
            }
            return try noSecondQuantifier(.repeat(atom, minimum: minimum, maximum: maximum))
        default:
            return atom
        }
    }

    /// `a**` or `a+?` would mean something else elsewhere (lazy, possessive); here it is an error.
    private func noSecondQuantifier(_ node: PatternSyntax) throws(PatternError) -> PatternSyntax {
        if let scalar = peek, "*+?{".unicodeScalars.contains(where: { $0.value == scalar }) {
            throw error("a quantifier cannot follow another (lazy and possessive forms are not supported)")
        }
        return node
    }

    private mutating func count() throws(PatternError) -> Int {
        var value = 0
        var digits = 0
        while let scalar = peek, (0x30...0x39).contains(scalar) {
            value = value * 10 + Int(scalar - 0x30)
            digits += 1
            index += 1
            if value > Self.maximumCount { throw error("repetition counts stop at \(Self.maximumCount)") }
        }
        guard digits > 0 else { throw error("expected a number in the repetition") }
        return value
    }

    private mutating func atom() throws(PatternError) -> PatternSyntax {
        let offset = index
        guard let scalar = peek else { throw error("unexpected end of pattern") }
        index += 1
        switch Unicode.Scalar(scalar) {
        case "(":
            if peek == UInt32(UInt8(ascii: "?")) {
                if starts(with: "?:") {
                    index += 2
                } else {
                    throw PatternError(message: "only (?i) at the start and (?:…) groups are supported", offset: offset)
                }
            }
            let inner = try alternation()
            guard peek == Self.closeParen else { throw PatternError(message: "unclosed '('", offset: offset) }
            index += 1
            return inner
        case ".":
            return .set(.any, offset: offset)
        case "[":
            return .set(try characterClass(openedAt: offset), offset: offset)
        case "\\":
            return .set(try escape(inClass: false), offset: offset)
        case "*", "+", "?", "{":
            throw PatternError(message: "nothing to repeat", offset: offset)
        case "^", "$":
            throw PatternError(message: "'^' and '$' may only stand at the ends of the pattern", offset: offset)
        default:
            return .set(.single(scalar), offset: offset)
        }
    }

    private mutating func escape(inClass: Bool) throws(PatternError) -> ScalarSet {
        guard let scalar = peek else { throw error("a pattern cannot end with '\\'") }
        index += 1
        switch Unicode.Scalar(scalar) {
        case "d": return .digits
        case "w": return .wordCharacters
        case "s": return .spaces
        case "D", "W", "S":
            guard !inClass else { throw PatternError(message: "\\D, \\W and \\S cannot stand inside [ ]", offset: index - 2) }
            var set = scalar == UInt32(UInt8(ascii: "D")) ? ScalarSet.digits : scalar == UInt32(UInt8(ascii: "W")) ? .wordCharacters : .spaces
            set.negated = true
            return set
        case "n": return .single(0x0A)
        case "t": return .single(0x09)
        case "r": return .single(0x0D)
        default:
            // Only punctuation may be escaped, so that "\b" or "\p" never silently mean a letter.
            guard scalar < 128, !(0x30...0x39).contains(scalar), !(0x41...0x5A).contains(scalar), !(0x61...0x7A).contains(scalar) else {
                throw PatternError(message: "unknown escape '\\\(Unicode.Scalar(scalar) ?? "?")'", offset: index - 2)
            }
            return .single(scalar)
        }
    }

    private mutating func characterClass(openedAt offset: Int) throws(PatternError) -> ScalarSet {
        var set = ScalarSet()
        let negated = peek == Self.caret
        if negated { index += 1 }
        var first = true
        while true {
            guard let scalar = peek else { throw PatternError(message: "unclosed '['", offset: offset) }
            if scalar == UInt32(UInt8(ascii: "]")) && !first {
                index += 1
                break
            }
            first = false
            index += 1
            let low: UInt32
            if scalar == UInt32(UInt8(ascii: "\\")) {
                let escaped = try escape(inClass: true)
                guard let single = escaped.single else {
                    set.insert(escaped)
                    continue
                }
                low = single
            } else {
                low = scalar
            }
            var high = low
            if peek == UInt32(UInt8(ascii: "-")), index + 1 < scalars.count, scalars[index + 1] != UInt32(UInt8(ascii: "]")) {
                index += 1
                guard let end = peek else { throw PatternError(message: "unclosed '['", offset: offset) }
                index += 1
                if end == UInt32(UInt8(ascii: "\\")) {
                    guard let single = try escape(inClass: true).single else {
                        throw PatternError(message: "a range must end with a single character", offset: index - 2)
                    }
                    high = single
                } else {
                    high = end
                }
                guard low <= high else { throw PatternError(message: "range out of order", offset: index - 1) }
            }
            set.insert(low...high)
        }
        set.negated = negated
        return set
    }
}
