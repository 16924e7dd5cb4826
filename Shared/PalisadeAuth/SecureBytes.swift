#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Bytes from the system's cryptographically secure generator.
public enum SecureBytes {
    /// Drawn with `getentropy` (one `getrandom` per 256 bytes on Linux; glibc 2.25, musl and
    /// Darwin have it), where the standard generator makes a system call per eight bytes;
    /// request and trace ids are made on every request.
    public static func random(_ count: Int) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            fill(buffer)
            initialized = count
        }
    }

    /// `getentropy` takes at most this many bytes a call.
    private static let largestDraw = 256

    private static func fill(_ buffer: UnsafeMutableBufferPointer<UInt8>) {
        guard let base = buffer.baseAddress else { return }
        var filled = 0
        while filled < buffer.count {
            let length = min(largestDraw, buffer.count - filled)
            guard getentropy(base + filled, length) == 0 else { break }
            filled += length
        }
        if filled == buffer.count { return }
        // The standard generator stops the process rather than hand out weak bytes.
        var generator = SystemRandomNumberGenerator()
        for index in buffer.indices { buffer[index] = generator.next() }
    }
}
