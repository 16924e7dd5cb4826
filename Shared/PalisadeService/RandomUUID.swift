import PalisadeAuth

/// Random (version 4) UUIDs as lowercase text, from the kernel's generator: Foundation's
/// `UUID()` opens /dev/urandom on every call on Linux, which ids made per request notice.
public enum RandomUUID {
    public static func text() -> String {
        var bytes = SecureBytes.random(16)
        bytes[6] = (bytes[6] & 0x0F) | 0x40
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        return [bytes[0..<4], bytes[4..<6], bytes[6..<8], bytes[8..<10], bytes[10..<16]].map { Hex.encode($0) }.joined(separator: "-")
    }
}
