#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Bytes from the system's cryptographically secure generator.
public enum SecureBytes {
    /// Drawn in one call of `arc4random_buf` (glibc 2.36 and later: one `getrandom`), where the
    /// standard generator makes a system call per eight bytes; request and trace ids are made
    /// on every request. Like the standard generator, it stops the process rather than hand
    /// out weak bytes.
    public static func random(_ count: Int) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            if let base = buffer.baseAddress, count > 0 { arc4random_buf(base, count) }
            initialized = count
        }
    }
}
