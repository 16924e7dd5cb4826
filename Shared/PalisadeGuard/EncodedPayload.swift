/// Base64 (standard or URL-safe) and hexadecimal runs decoded back to the text they hide.
enum EncodedPayload {
    enum Kind { case base64, hex }

    /// By ASCII byte, all ones for the bytes a base64 or hex run is made of (`=` padding
    /// included) and zero for the others: a mask, so that loops can count runs without a branch.
    static let runMask: [Int] = (0..<128).map { byte in
        let inRun = (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || (0x30...0x39).contains(byte)
            || [0x2B, 0x2F, 0x3D, 0x2D, 0x5F].contains(byte)
        return inRun ? -1 : 0
    }

    private static let base64Values: [Int8] = {
        var values = [Int8](repeating: -1, count: 256)
        for (index, byte) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() {
            values[Int(byte)] = Int8(index)
        }
        values[Int(UInt8(ascii: "-"))] = 62
        values[Int(UInt8(ascii: "_"))] = 63
        return values
    }()

    /// The text hidden in `run`, if it decodes to mostly printable text; nil otherwise (most
    /// runs are identifiers, hashes or binary data).
    static func decode(_ run: UnsafeBufferPointer<UInt8>) -> (kind: Kind, text: [UInt8])? {
        let isHex = run.count % 2 == 0 && run.allSatisfy { isHexDigit($0) }
        if isHex, let text = hex(run), isText(text) { return (.hex, text) }
        // Letters only (an English word, a long identifier) is not worth decoding.
        guard run.contains(where: { !(0x61...0x7A).contains($0) }) else { return nil }
        if let text = base64(run), isText(text) { return (.base64, text) }
        return nil
    }

    static func isHexDigit(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x61...0x66).contains(byte) || (0x41...0x46).contains(byte)
    }

    /// The value of a hex digit (`isHexDigit` holds).
    static func hexValue(_ byte: UInt8) -> UInt8 {
        switch byte {
        case 0x30...0x39: return byte - 0x30
        case 0x61...0x66: return byte - 0x61 + 10
        default: return byte - 0x41 + 10
        }
    }

    // The decoders give up as soon as more than a tenth of what the run decodes to is
    // unprintable, which `isText` would refuse: most runs are identifiers, hashes and keys,
    // whose bytes are random, and are refused within their first fifth.

    private static func hex(_ run: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        let count = run.count / 2
        var unprintable = 0
        var refused = false
        let out = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            initialized = 0
            for index in 0..<count {
                let byte = hexValue(run[2 * index]) << 4 | hexValue(run[2 * index + 1])
                buffer[index] = byte
                initialized = index + 1
                unprintable += isPrintable(byte) ? 0 : 1
                if unprintable * 10 > count {
                    refused = true
                    return
                }
            }
        }
        return refused ? nil : out
    }

    private static func base64(_ run: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        let length = run.firstIndex(of: UInt8(ascii: "=")) ?? run.count
        let count = length * 6 / 8
        var unprintable = 0
        var refused = false
        let out = base64Values.withUnsafeBufferPointer { values in
            [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
                initialized = 0
                var accumulator: UInt32 = 0
                var bits = 0
                for index in 0..<length {
                    let value = values[Int(run[index])]
                    guard value >= 0 else {
                        refused = true
                        return
                    }
                    accumulator = accumulator << 6 | UInt32(value)
                    bits += 6
                    if bits >= 8 {
                        bits -= 8
                        let byte = UInt8(truncatingIfNeeded: accumulator >> UInt32(bits))
                        buffer[initialized] = byte
                        initialized += 1
                        unprintable += isPrintable(byte) ? 0 : 1
                        if unprintable * 10 > count {
                            refused = true
                            return
                        }
                    }
                }
            }
        }
        return refused ? nil : out
    }

    @inline(__always)
    private static func isPrintable(_ byte: UInt8) -> Bool {
        (0x20...0x7E).contains(byte) || byte == 0x0A || byte == 0x09 || byte == 0x0D
    }

    /// At least eight bytes, 90 % of them printable ASCII or whitespace, the rest UTF-8 lead
    /// and continuation bytes (and valid UTF-8 as a whole).
    static func isText(_ bytes: [UInt8]) -> Bool {
        guard bytes.count >= 8 else { return false }
        var printable = 0
        for byte in bytes where isPrintable(byte) { printable += 1 }
        guard printable * 10 >= bytes.count * 9 else { return false }
        return String(validating: bytes, as: UTF8.self) != nil
    }
}
