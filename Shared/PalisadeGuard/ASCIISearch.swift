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
            if lower(haystack[index]) == first, matches(haystack, at: index, needle) { return true }
            index += 1
        }
        return false
    }

    /// Whether `needle` (lowercase ASCII) starts at `index`, which has room for it.
    @inline(__always)
    static func matches(_ haystack: UnsafeBufferPointer<UInt8>, at index: Int, _ needle: [UInt8]) -> Bool {
        var offset = 0
        while offset < needle.count, lower(haystack[index + offset]) == needle[offset] { offset += 1 }
        return offset == needle.count
    }
}

/// Lowercase ASCII words indexed by their first byte, so that a search reads each byte of the
/// haystack once and compares only the words that start with it (a placeholder list of thirty
/// words over a 256-byte secret was thirty passes).
struct ASCIIWords: Sendable {
    /// Invariant: `startingWith[byte]` lists exactly the words whose first byte is `byte`.
    private let startingWith: [[[UInt8]]]

    init(_ words: [String]) {
        var table = [[[UInt8]]](repeating: [], count: 256)
        for word in words {
            let bytes = Array(word.lowercased().utf8)
            guard let first = bytes.first else { continue }
            table[Int(first)].append(bytes)
        }
        startingWith = table
    }

    /// Whether one of the words appears in `haystack`, ignoring ASCII case.
    func found(in haystack: UnsafeBufferPointer<UInt8>) -> Bool {
        startingWith.withUnsafeBufferPointer { table in
            for index in haystack.indices {
                let candidates = table[Int(ASCIISearch.lower(haystack[index]))]
                if candidates.isEmpty { continue }
                let room = haystack.count - index
                for word in candidates where word.count <= room && ASCIISearch.matches(haystack, at: index, word) {
                    return true
                }
            }
            return false
        }
    }
}

/// Lowercase ASCII words indexed by their first and by their last byte, to ask whether one
/// of them begins or ends a name (a name is compared with the few words that share its first
/// byte and the few that share its last, not with all of them).
struct ASCIIAffixes: Sendable {
    /// Invariant: `byFirst[b]` lists exactly the words whose first byte is `b`; `byLast[b]`
    /// those whose last byte is.
    private let byFirst: [[[UInt8]]]
    private let byLast: [[[UInt8]]]

    init(_ words: [String]) {
        var first = [[[UInt8]]](repeating: [], count: 256)
        var last = [[[UInt8]]](repeating: [], count: 256)
        for word in words {
            let bytes = Array(word.lowercased().utf8)
            guard let head = bytes.first, let tail = bytes.last else { continue }
            first[Int(head)].append(bytes)
            last[Int(tail)].append(bytes)
        }
        byFirst = first
        byLast = last
    }

    /// Whether one of the words begins or ends `name`, ignoring ASCII case.
    func affixes(_ name: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let head = name.first, let tail = name.last else { return false }
        for word in byFirst[Int(ASCIISearch.lower(head))] where word.count <= name.count {
            if ASCIISearch.matches(name, at: 0, word) { return true }
        }
        for word in byLast[Int(ASCIISearch.lower(tail))] where word.count <= name.count {
            if ASCIISearch.matches(name, at: name.count - word.count, word) { return true }
        }
        return false
    }
}
