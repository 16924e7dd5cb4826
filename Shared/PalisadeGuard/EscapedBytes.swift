import CGuardBytes

/// Text written a byte at a time as escapes — `\x69\x67\x6e`, `0x69 0x67 0x6e`, `%69%67%6e` —
/// put back together so that it can be scanned. Hex runs without escapes are
/// `EncodedPayload`'s. Only the bytes `x` and `%` start a look, found with memchr: in ordinary
/// text they are rare, so the cost is a few vector scans per text.
enum EscapedBytes {
    /// Fewer escapes than this spell nothing worth decoding (`\x1b[0m`, `%20`).
    static let minimumCount = 8

    struct Run {
        /// Where the escapes are, in the scanned bytes.
        var span: Range<Int>
        /// The bytes they stand for.
        var bytes: [UInt8]
    }

    static func runs(_ text: UnsafeBufferPointer<UInt8>) -> [Run] {
        guard let base = text.baseAddress else { return [] }
        var found: [Run] = []
        for marker in [UInt8(ascii: "x"), UInt8(ascii: "%")] {
            var index = guard_find_byte(base, text.count, 0, marker)
            while index < text.count {
                if let run = run(text, markerAt: index) {
                    found.append(run)
                    index = guard_find_byte(base, text.count, run.span.upperBound, marker)
                } else {
                    index = guard_find_byte(base, text.count, index + 1, marker)
                }
            }
        }
        return found
    }

    /// The run whose first escape has its `x` or `%` at `index`, if it is long enough. Later
    /// escapes may differ in case from the first (`0x69 0X67`).
    private static func run(_ text: UnsafeBufferPointer<UInt8>, markerAt index: Int) -> Run? {
        let marker = text[index]
        let start: Int
        if marker == UInt8(ascii: "%") {
            start = index
        } else {
            // `\x` or `0x`, the `0` not the end of a number ("10x20").
            guard index >= 1 else { return nil }
            let before = text[index - 1]
            if before == UInt8(ascii: "\\") {
                start = index - 1
            } else if before == UInt8(ascii: "0"), index < 2 || !isAlphanumeric(text[index - 2]) {
                start = index - 1
            } else {
                return nil
            }
        }
        let prefix = Array(text[start...index])
        var bytes: [UInt8] = []
        var cursor = start
        var end = start
        while true {
            // The prefix, two hex digits, and no third (`0x6967` is a number, not a byte).
            let digits = cursor + prefix.count
            guard digits + 2 <= text.count,
                  prefix.indices.allSatisfy({ text[cursor + $0] | 0x20 == prefix[$0] | 0x20 }),
                  EncodedPayload.isHexDigit(text[digits]), EncodedPayload.isHexDigit(text[digits + 1]) else { break }
            let after = digits + 2
            if after < text.count, EncodedPayload.isHexDigit(text[after]) { break }
            bytes.append(EncodedPayload.hexValue(text[digits]) << 4 | EncodedPayload.hexValue(text[digits + 1]))
            end = after
            cursor = after
            // Escapes may be separated by a space or a comma (`0x69, 0x67`), not by words.
            while cursor < text.count, cursor - end < 2, text[cursor] == 0x20 || text[cursor] == UInt8(ascii: ",") {
                cursor += 1
            }
        }
        return bytes.count >= minimumCount ? Run(span: start..<end, bytes: bytes) : nil
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x61...0x7A).contains(byte) || (0x41...0x5A).contains(byte)
    }
}
