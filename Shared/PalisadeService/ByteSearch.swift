/// Substring tests over raw bytes for the request path.
///
/// The standard library's `contains(_:)` over two collections (from `_StringProcessing`) is
/// generic across the module boundary, so every call looks up type metadata at run time; on a
/// proxied completion that lookup was a fifth of the gateway's CPU. These loops are specialised
/// where they are used.
public enum ByteSearch {
    /// Whether `needle` occurs in `haystack`. An empty needle occurs everywhere.
    @inlinable
    public static func contains(_ needle: [UInt8], in haystack: some Sequence<UInt8>) -> Bool {
        if let found = haystack.withContiguousStorageIfAvailable({ contains(needle, in: $0) }) { return found }
        return Array(haystack).withUnsafeBufferPointer { contains(needle, in: $0) }
    }

    @inlinable
    static func contains(_ needle: [UInt8], in haystack: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let first = needle.first else { return true }
        guard haystack.count >= needle.count else { return false }
        // Invariant: a match starting at `start` would end inside the haystack.
        var start = 0
        let lastStart = haystack.count - needle.count
        while start <= lastStart {
            if haystack[start] == first {
                var offset = 1
                while offset < needle.count, haystack[start + offset] == needle[offset] { offset += 1 }
                if offset == needle.count { return true }
            }
            start += 1
        }
        return false
    }
}
