/// Bytes from the system's cryptographically secure generator.
public enum SecureBytes {
    /// Eight bytes per draw: each draw is a system call, and request and trace ids are made on
    /// every request.
    public static func random(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count + 7)
        while bytes.count < count {
            withUnsafeBytes(of: generator.next() as UInt64) { bytes.append(contentsOf: $0) }
        }
        return Array(bytes.prefix(count))
    }
}
