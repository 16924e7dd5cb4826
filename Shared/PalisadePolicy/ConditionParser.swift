/// Parses a `when` condition:
///
///     condition  := or
///     or         := and ("or" and)*
///     and        := unary ("and" unary)*
///     unary      := "not" unary | "(" condition ")" | test
///     test       := field operator literal | field "exists" | "exists" "(" field ")"
///     literal    := string | number | true | false | null | "[" literal ("," literal)* "]"
///
/// `not` binds tighter than `and`, which binds tighter than `or`. Operators are the names
/// `eq ne in not_in contains starts_with matches gt gte lt lte` (or `== != > >= < <=`).
struct ConditionParser {
    enum Token: Equatable {
        case word(String)
        case string(String)
        case number(Double)
        case symbol(String)
        case end
    }

    private var tokens: [(token: Token, offset: Int)] = []
    private var position = 0

    static func parse(_ text: String) throws(ConditionError) -> ConditionNode {
        var parser = ConditionParser()
        parser.tokens = try ConditionLexer.tokens(text)
        let node = try parser.or()
        guard case .end = parser.current else {
            throw ConditionError(message: "unexpected \(parser.describe(parser.current)) after a complete condition", offset: parser.offset)
        }
        return node
    }

    private var current: Token { tokens[position].token }
    private var offset: Int { tokens[position].offset }

    private mutating func advance() { if position < tokens.count - 1 { position += 1 } }

    private func isWord(_ word: String) -> Bool { current == .word(word) }

    private mutating func or() throws(ConditionError) -> ConditionNode {
        var branches = [try and()]
        while isWord("or") {
            advance()
            branches.append(try and())
        }
        return branches.count == 1 ? branches[0] : .any(branches)
    }

    private mutating func and() throws(ConditionError) -> ConditionNode {
        var parts = [try unary()]
        while isWord("and") {
            advance()
            parts.append(try unary())
        }
        return parts.count == 1 ? parts[0] : .all(parts)
    }

    private mutating func unary() throws(ConditionError) -> ConditionNode {
        if isWord("not") {
            advance()
            return .not(try unary())
        }
        if current == .symbol("(") {
            let opened = offset
            advance()
            let inner = try or()
            guard current == .symbol(")") else {
                throw ConditionError(message: "expected ')' to close the '(' at offset \(opened), found \(describe(current))", offset: offset)
            }
            advance()
            return inner
        }
        return try test()
    }

    private mutating func test() throws(ConditionError) -> ConditionNode {
        if isWord("exists") {
            advance()
            guard current == .symbol("(") else { throw ConditionError(message: "expected '(' after exists", offset: offset) }
            advance()
            let (field, fieldOffset) = try self.field()
            guard current == .symbol(")") else { throw ConditionError(message: "expected ')' after the field", offset: offset) }
            advance()
            return .comparison(field: field, fieldOffset: fieldOffset, op: .exists, literal: nil, literalOffset: fieldOffset)
        }
        let (field, fieldOffset) = try self.field()
        let operatorOffset = offset
        let op: ConditionOperator
        switch current {
        case .word(let name) where ConditionOperator(rawValue: name) != nil:
            op = ConditionOperator(rawValue: name) ?? .exists
        case .symbol(let symbol) where ConditionOperator.symbols[symbol] != nil:
            op = ConditionOperator.symbols[symbol] ?? .exists
        default:
            throw ConditionError(message: "expected an operator (\(ConditionOperator.allCases.map(\.rawValue).joined(separator: ", "))) after the field, found \(describe(current))",
                                 offset: operatorOffset)
        }
        advance()
        if op == .exists {
            return .comparison(field: field, fieldOffset: fieldOffset, op: .exists, literal: nil, literalOffset: operatorOffset)
        }
        let literalOffset = offset
        let literal = try self.literal()
        return .comparison(field: field, fieldOffset: fieldOffset, op: op, literal: literal, literalOffset: literalOffset)
    }

    private mutating func field() throws(ConditionError) -> (PolicyField, Int) {
        let start = offset
        guard case .word(let path) = current, !Self.reserved.contains(path) else {
            throw ConditionError(message: "expected a field, found \(describe(current))", offset: start)
        }
        guard let field = PolicyField(path: path) else {
            let known = PolicyField.named.map(\.0).joined(separator: ", ")
            throw ConditionError(message: "unknown field '\(path)' (fields: \(known), context.<key>)", offset: start)
        }
        advance()
        return (field, start)
    }

    private mutating func literal() throws(ConditionError) -> PolicyLiteral {
        let start = offset
        switch current {
        case .string(let text):
            advance()
            return .string(text)
        case .number(let value):
            advance()
            return .number(value)
        case .word("true"):
            advance()
            return .bool(true)
        case .word("false"):
            advance()
            return .bool(false)
        case .word("null"):
            advance()
            return .null
        case .symbol("["):
            advance()
            var items: [PolicyLiteral] = []
            if current == .symbol("]") {
                throw ConditionError(message: "an empty list matches nothing; remove the test instead", offset: start)
            }
            while true {
                let itemOffset = offset
                let item = try literal()
                guard item.isScalar else { throw ConditionError(message: "lists cannot hold lists", offset: itemOffset) }
                items.append(item)
                if current == .symbol(",") {
                    advance()
                    continue
                }
                guard current == .symbol("]") else {
                    throw ConditionError(message: "expected ',' or ']' in the list, found \(describe(current))", offset: offset)
                }
                advance()
                return .list(items)
            }
        default:
            throw ConditionError(message: "expected a value (a \"string\", a number, true, false, null or a [list]), found \(describe(current))",
                                 offset: start)
        }
    }

    private static let reserved: Set<String> = ["and", "or", "not", "true", "false", "null", "exists"]

    private func describe(_ token: Token) -> String {
        switch token {
        case .word(let word): "'\(word)'"
        case .string(let text): "the string \"\(text)\""
        case .number(let value): "the number \(value)"
        case .symbol(let symbol): "'\(symbol)'"
        case .end: "the end of the condition"
        }
    }
}

/// Splits a condition into tokens, each with its offset in Unicode scalars.
enum ConditionLexer {
    static func tokens(_ text: String) throws(ConditionError) -> [(token: ConditionParser.Token, offset: Int)] {
        let scalars = Array(text.unicodeScalars)
        var tokens: [(token: ConditionParser.Token, offset: Int)] = []
        var index = 0
        func isWordStart(_ scalar: Unicode.Scalar) -> Bool { scalar.properties.isAlphabetic && scalar.isASCII || scalar == "_" }
        func isWordPart(_ scalar: Unicode.Scalar) -> Bool {
            scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "_" || scalar == "." || scalar == "-")
        }
        while index < scalars.count {
            let scalar = scalars[index]
            let start = index
            if scalar.properties.isWhitespace {
                index += 1
                continue
            }
            if isWordStart(scalar) {
                while index < scalars.count, isWordPart(scalars[index]) { index += 1 }
                tokens.append((.word(String(String.UnicodeScalarView(scalars[start..<index]))), start))
                continue
            }
            if ("0"..."9").contains(scalar) || (scalar == "-" && index + 1 < scalars.count && ("0"..."9").contains(scalars[index + 1])) {
                index += 1
                while index < scalars.count, ("0"..."9").contains(scalars[index]) || scalars[index] == "." || scalars[index] == "e"
                        || scalars[index] == "E" || ((scalars[index] == "+" || scalars[index] == "-") && (scalars[index - 1] == "e" || scalars[index - 1] == "E")) {
                    index += 1
                }
                let spelled = String(String.UnicodeScalarView(scalars[start..<index]))
                guard let value = Double(spelled), value.isFinite else {
                    throw ConditionError(message: "'\(spelled)' is not a number", offset: start)
                }
                tokens.append((.number(value), start))
                continue
            }
            if scalar == "\"" || scalar == "'" {
                tokens.append((.string(try string(scalars, &index, quote: scalar)), start))
                continue
            }
            let pair = index + 1 < scalars.count ? String(String.UnicodeScalarView([scalar, scalars[index + 1]])) : ""
            if ["==", "!=", ">=", "<="].contains(pair) {
                tokens.append((.symbol(pair), start))
                index += 2
                continue
            }
            if "()[],<>".unicodeScalars.contains(scalar) {
                tokens.append((.symbol(String(scalar)), start))
                index += 1
                continue
            }
            throw ConditionError(message: "unexpected character '\(scalar)'", offset: start)
        }
        tokens.append((.end, scalars.count))
        return tokens
    }

    /// A quoted string with `\"`, `\'`, `\\`, `\n`, `\t` and `\uXXXX` escapes.
    private static func string(_ scalars: [Unicode.Scalar], _ index: inout Int, quote: Unicode.Scalar) throws(ConditionError) -> String {
        let opened = index
        index += 1
        var text = String.UnicodeScalarView()
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar == quote {
                index += 1
                return String(text)
            }
            if scalar == "\\" {
                guard index + 1 < scalars.count else { break }
                let escaped = scalars[index + 1]
                switch escaped {
                case "\"", "'", "\\", "/": text.append(escaped)
                case "n": text.append("\n")
                case "t": text.append("\t")
                case "u":
                    let digits = index + 6 <= scalars.count ? String(String.UnicodeScalarView(scalars[(index + 2)..<(index + 6)])) : ""
                    guard digits.count == 4, let value = UInt32(digits, radix: 16), let decoded = Unicode.Scalar(value) else {
                        throw ConditionError(message: "\\u needs four hex digits of a Unicode scalar", offset: index)
                    }
                    text.append(decoded)
                    index += 4
                default:
                    throw ConditionError(message: "unknown escape '\\\(escaped)' in a string", offset: index)
                }
                index += 2
                continue
            }
            text.append(scalar)
            index += 1
        }
        throw ConditionError(message: "unterminated string", offset: opened)
    }
}
