/// Case-insensitive search of ASCII words in UTF-8 bytes, without building strings (the DLP
/// scanner checks context words and placeholders on hot paths).
enum ASCIISearch {
    @inline(__always)
    static func lower(_ byte: UInt8) -> UInt8 { (0x41...0x5A).contains(byte) ? byte | 0x20 : byte }

    /// Whether `haystack` contains `needle` (lowercase ASCII), ignoring ASCII case.
    static func contains(_ haystack: UnsafeBufferPointer<UInt8>, _ needle: [UInt8]) -> Bool {
        guard let first = needle.first, needle.count <= haystack.count else { return false }
        var index = 0
        let last = haystack.count - needle.count
        while index <= last {
            if lower(haystack[index]) == first {
                var offset = 1
                while offset < needle.count, lower(haystack[index + offset]) == needle[offset] { offset += 1 }
                if offset == needle.count { return true }
            }
            index += 1
        }
        return false
    }

    static func containsAny(_ haystack: UnsafeBufferPointer<UInt8>, _ needles: [[UInt8]]) -> Bool {
        needles.contains { contains(haystack, $0) }
    }
}
