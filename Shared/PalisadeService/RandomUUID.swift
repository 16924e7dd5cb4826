import PalisadeAuth

/// Random (version 4) UUIDs as lowercase text, from the kernel's generator: Foundation's
/// `UUID()` opens /dev/urandom on every call on Linux, which ids made per request notice.
public enum RandomUUID {
    public static func text() -> String {
        var bytes = SecureBytes.random(16)
        bytes[6] = (bytes[6] & 0x0F) | 0x40
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        return String(unsafeUninitializedCapacity: 36) { text in
            var written = 0
            for (index, byte) in bytes.enumerated() {
                if index == 4 || index == 6 || index == 8 || index == 10 {
                    text[written] = UInt8(ascii: "-")
                    written += 1
                }
                text[written] = Hex.digit(byte >> 4)
                text[written + 1] = Hex.digit(byte & 0x0F)
                written += 2
            }
            return written
        }
    }
}
