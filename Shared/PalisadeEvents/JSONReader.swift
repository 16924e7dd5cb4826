/// RFC 8259 JSON text → `JSONValue`, in one pass over the bytes.
///
/// `JSONDecoder` into `JSONValue` finds each value's type by trying types in turn, and every
/// miss throws a `DecodingError` it builds a message for: measured, a seventh of the incidents
/// service's time and a fifth of the policy service's. This reads the type from the next byte.
///
/// Strict: one value with optional white space around it, no trailing commas, no comments,
/// escapes checked (lone surrogates refused), UTF-8 checked. Integers without a fraction or
/// exponent that fit in Int64 are `.integer`, other numbers `.number`. A member name repeated in
/// one object is refused (I-JSON, RFC 7493 §2.3): parsers differ on which of the values counts,
/// and the gateway scans the value it reads while the provider gets the body as sent, so a
/// first-wins provider would act on text the scan never saw.
public struct JSONReader {
    public struct Failure: Error, Sendable, Equatable {
        /// Byte offset of the problem.
        public var offset: Int
        public var reason: String
    }

    /// Nesting deeper than this is refused (a hostile body must not exhaust the stack).
    public static let maximumDepth = 128

    /// Parses `bytes` as one JSON document.
    public static func parse(_ bytes: some Collection<UInt8>) throws(Failure) -> JSONValue {
        try read(bytes).value
    }

    /// The same, also telling whether any string or member name held U+0000 (which Postgres
    /// text cannot store).
    public static func parse(_ bytes: some Collection<UInt8>, containsNUL: inout Bool) throws(Failure) -> JSONValue {
        let (value, sawNUL) = try read(bytes)
        containsNUL = sawNUL
        return value
    }

    private static func read(_ bytes: some Collection<UInt8>) throws(Failure) -> (value: JSONValue, sawNUL: Bool) {
        // A Result: the buffer closures rethrow untyped errors.
        let read = { (buffer: UnsafeBufferPointer<UInt8>) -> Result<(value: JSONValue, sawNUL: Bool), Failure> in
            var reader = JSONReader(buffer)
            do throws(Failure) {
                return .success((try reader.document(), reader.sawNUL))
            } catch {
                return .failure(error)
            }
        }
        let result = bytes.withContiguousStorageIfAvailable(read) ?? Array(bytes).withUnsafeBufferPointer(read)
        return try result.get()
    }

    // Invariant: `offset` is at most `bytes.count`; `bytes` outlives the reader (it is only
    // made inside the `parse` calls above).
    private let bytes: UnsafeBufferPointer<UInt8>
    private var offset = 0
    private var depth = 0
    private var sawNUL = false

    private init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    private mutating func document() throws(Failure) -> JSONValue {
        skipWhiteSpace()
        let value = try self.value()
        skipWhiteSpace()
        guard offset == bytes.count else { throw fail("unexpected text after the document") }
        return value
    }

    private func fail(_ reason: String) -> Failure {
        Failure(offset: offset, reason: reason)
    }

    @inline(__always)
    private mutating func skipWhiteSpace() {
        while offset < bytes.count {
            switch bytes[offset] {
            case 0x20, 0x09, 0x0A, 0x0D: offset += 1
            default: return
            }
        }
    }

    private mutating func value() throws(Failure) -> JSONValue {
        guard offset < bytes.count else { throw fail("a value is missing") }
        switch bytes[offset] {
        case UInt8(ascii: "{"): return try object()
        case UInt8(ascii: "["): return try array()
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
        default: throw fail("a value cannot start here")
        }
    }

    private mutating func literal(_ word: StaticString) throws(Failure) {
        let count = word.utf8CodeUnitCount
        guard bytes.count - offset >= count else { throw fail("unknown literal") }
        for index in 0..<count where bytes[offset + index] != word.utf8Start[index] { throw fail("unknown literal") }
        offset += count
    }

    private mutating func enter() throws(Failure) {
        depth += 1
        guard depth <= Self.maximumDepth else { throw fail("nested deeper than \(Self.maximumDepth)") }
    }

    private mutating func object() throws(Failure) -> JSONValue {
        try enter()
        offset += 1
        var members: [String: JSONValue] = [:]
        skipWhiteSpace()
        if offset < bytes.count, bytes[offset] == UInt8(ascii: "}") {
            offset += 1
            depth -= 1
            return .object(members)
        }
        while true {
            skipWhiteSpace()
            guard offset < bytes.count, bytes[offset] == UInt8(ascii: "\"") else { throw fail("a member name (a string) is expected") }
            let keyOffset = offset
            let key = try string()
            skipWhiteSpace()
            guard offset < bytes.count, bytes[offset] == UInt8(ascii: ":") else { throw fail("':' is expected after a member name") }
            offset += 1
            skipWhiteSpace()
            guard members.updateValue(try value(), forKey: key) == nil else {
                // Named, cut short: the reason reaches answers and logs.
                let name = key.unicodeScalars.count > 40 ? String(String.UnicodeScalarView(key.unicodeScalars.prefix(40))) + "…" : key
                throw Failure(offset: keyOffset, reason: "the member name \"\(name)\" is repeated in one object")
            }
            skipWhiteSpace()
            guard offset < bytes.count else { throw fail("the object is not closed") }
            if bytes[offset] == UInt8(ascii: ",") {
                offset += 1
            } else if bytes[offset] == UInt8(ascii: "}") {
                offset += 1
                depth -= 1
                return .object(members)
            } else {
                throw fail("',' or '}' is expected")
            }
        }
    }

    private mutating func array() throws(Failure) -> JSONValue {
        try enter()
        offset += 1
        var items: [JSONValue] = []
        skipWhiteSpace()
        if offset < bytes.count, bytes[offset] == UInt8(ascii: "]") {
            offset += 1
            depth -= 1
            return .array(items)
        }
        while true {
            skipWhiteSpace()
            items.append(try value())
            skipWhiteSpace()
            guard offset < bytes.count else { throw fail("the array is not closed") }
            if bytes[offset] == UInt8(ascii: ",") {
                offset += 1
            } else if bytes[offset] == UInt8(ascii: "]") {
                offset += 1
                depth -= 1
                return .array(items)
            } else {
                throw fail("',' or ']' is expected")
            }
        }
    }

    private mutating func number() throws(Failure) -> JSONValue {
        let start = offset
        var integral = true
        if bytes[offset] == UInt8(ascii: "-") { offset += 1 }
        guard offset < bytes.count, isDigit(bytes[offset]) else { throw fail("a digit is expected") }
        if bytes[offset] == UInt8(ascii: "0") {
            offset += 1
        } else {
            while offset < bytes.count, isDigit(bytes[offset]) { offset += 1 }
        }
        if offset < bytes.count, bytes[offset] == UInt8(ascii: ".") {
            integral = false
            offset += 1
            guard offset < bytes.count, isDigit(bytes[offset]) else { throw fail("a digit is expected after '.'") }
            while offset < bytes.count, isDigit(bytes[offset]) { offset += 1 }
        }
        if offset < bytes.count, bytes[offset] == UInt8(ascii: "e") || bytes[offset] == UInt8(ascii: "E") {
            integral = false
            offset += 1
            if offset < bytes.count, bytes[offset] == UInt8(ascii: "+") || bytes[offset] == UInt8(ascii: "-") { offset += 1 }
            guard offset < bytes.count, isDigit(bytes[offset]) else { throw fail("a digit is expected in the exponent") }
            while offset < bytes.count, isDigit(bytes[offset]) { offset += 1 }
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<offset]), as: UTF8.self)
        if integral, let integer = Int64(text) { return .integer(integer) }
        guard let number = Double(text), number.isFinite else { throw Failure(offset: start, reason: "the number is out of range") }
        return .number(number)
    }

    @inline(__always)
    private func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    private mutating func string() throws(Failure) -> String {
        offset += 1
        let start = offset
        // The common case: no escapes, so the bytes between the quotes are the string.
        while offset < bytes.count {
            let byte = bytes[offset]
            if byte == UInt8(ascii: "\"") {
                let raw = UnsafeBufferPointer(rebasing: bytes[start..<offset])
                offset += 1
                return try validated(raw, at: start)
            }
            if byte == UInt8(ascii: "\\") { break }
            guard byte >= 0x20 else { throw fail("a control character must be escaped") }
            offset += 1
        }
        var decoded = Array(UnsafeBufferPointer(rebasing: bytes[start..<offset]))
        while offset < bytes.count {
            let byte = bytes[offset]
            switch byte {
            case UInt8(ascii: "\""):
                offset += 1
                return try decoded.withUnsafeBufferPointer { raw throws(Failure) in try validated(raw, at: start) }
            case UInt8(ascii: "\\"):
                offset += 1
                try escape(into: &decoded)
            case 0..<0x20:
                throw fail("a control character must be escaped")
            default:
                decoded.append(byte)
                offset += 1
            }
        }
        throw Failure(offset: start - 1, reason: "the string is not closed")
    }

    private mutating func validated(_ raw: UnsafeBufferPointer<UInt8>, at start: Int) throws(Failure) -> String {
        guard let text = String(validating: raw, as: UTF8.self) else { throw Failure(offset: start, reason: "the string is not UTF-8") }
        if !sawNUL, raw.contains(0) { sawNUL = true }
        return text
    }

    private mutating func escape(into decoded: inout [UInt8]) throws(Failure) {
        guard offset < bytes.count else { throw fail("the escape is cut short") }
        let byte = bytes[offset]
        offset += 1
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): decoded.append(byte)
        case UInt8(ascii: "b"): decoded.append(0x08)
        case UInt8(ascii: "f"): decoded.append(0x0C)
        case UInt8(ascii: "n"): decoded.append(0x0A)
        case UInt8(ascii: "r"): decoded.append(0x0D)
        case UInt8(ascii: "t"): decoded.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = try hexQuad()
            if (0xD800...0xDBFF).contains(scalar) {
                guard bytes.count - offset >= 6, bytes[offset] == UInt8(ascii: "\\"), bytes[offset + 1] == UInt8(ascii: "u") else {
                    throw fail("a high surrogate must be followed by a low one")
                }
                offset += 2
                let low = try hexQuad()
                guard (0xDC00...0xDFFF).contains(low) else { throw fail("a high surrogate must be followed by a low one") }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00...0xDFFF).contains(scalar) {
                throw fail("a low surrogate without a high one")
            }
            Self.appendUTF8(scalar, to: &decoded)
        default:
            throw fail("unknown escape")
        }
    }

    /// `scalar` is a Unicode scalar value (surrogates were paired or refused above).
    private static func appendUTF8(_ scalar: UInt32, to bytes: inout [UInt8]) {
        switch scalar {
        case 0..<0x80:
            bytes.append(UInt8(scalar))
        case 0x80..<0x800:
            bytes.append(UInt8(0xC0 | scalar >> 6))
            bytes.append(UInt8(0x80 | scalar & 0x3F))
        case 0x800..<0x10000:
            bytes.append(UInt8(0xE0 | scalar >> 12))
            bytes.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            bytes.append(UInt8(0x80 | scalar & 0x3F))
        default:
            bytes.append(UInt8(0xF0 | scalar >> 18))
            bytes.append(UInt8(0x80 | scalar >> 12 & 0x3F))
            bytes.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            bytes.append(UInt8(0x80 | scalar & 0x3F))
        }
    }

    private mutating func hexQuad() throws(Failure) -> UInt32 {
        guard bytes.count - offset >= 4 else { throw fail("\\u needs four hex digits") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[offset]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw fail("\\u needs four hex digits")
            }
            value = value << 4 | UInt32(digit)
            offset += 1
        }
        return value
    }
}
