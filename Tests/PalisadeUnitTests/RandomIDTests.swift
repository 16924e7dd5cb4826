import Foundation
import PalisadeAuth
import PalisadeService
import Testing

@Suite struct RandomIDTests {
    @Test func hexIsLowercaseTwoDigitsAByteWhateverHoldsTheBytes() {
        let bytes: [UInt8] = [0x00, 0x01, 0x7F, 0x80, 0xA5, 0xFF]
        #expect(Hex.encode(bytes) == "00017f80a5ff")
        #expect(Hex.encode(bytes[2...]) == "7f80a5ff")
        #expect(Hex.encode(bytes.lazy.map { $0 }) == "00017f80a5ff", "a sequence without contiguous storage")
        #expect(Hex.encode([UInt8]()) == "")
        #expect((0...255).map { Hex.encode([UInt8($0)]) } == (0...255).map { String(format: "%02x", $0) })
    }

    @Test func secureBytesAreAsManyAsAskedAndDiffer() {
        for count in [0, 1, 7, 8, 9, 16, 33, 300] {
            #expect(SecureBytes.random(count).count == count)
        }
        // 32 random bytes repeat, or come out all zero, with probability 2^-256.
        let first = SecureBytes.random(32)
        #expect(first != SecureBytes.random(32))
        #expect(first.contains { $0 != 0 })
    }

    @Test func uuidsAreVersionFourLowercaseAndParse() throws {
        var seen = Set<String>()
        for _ in 0..<200 {
            let text = RandomUUID.text()
            #expect(text.count == 36)
            #expect(text == text.lowercased())
            let parsed = try #require(UUID(uuidString: text))
            #expect(parsed.uuidString.lowercased() == text)
            let bytes = withUnsafeBytes(of: parsed.uuid) { Array($0) }
            #expect(bytes[6] >> 4 == 4, "version 4")
            #expect(bytes[8] >> 6 == 0b10, "RFC 4122 variant")
            seen.insert(text)
        }
        #expect(seen.count == 200)
    }
}
