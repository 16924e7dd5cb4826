@testable import PalisadeGuard
import Testing

@Suite struct EscapedBytesTests {
    private func runs(_ text: String) -> [EscapedBytes.Run] {
        Array(text.utf8).withUnsafeBufferPointer { EscapedBytes.runs($0) }
    }

    @Test func aRunIsItsEscapesAndTheBytesTheyStandFor() {
        let text = "say \\x68\\x65\\x6c\\x6c\\x6f\\x20\\x79\\x6f\\x75 now"
        let found = runs(text)
        #expect(found.count == 1)
        #expect(found.first?.bytes == Array("hello you".utf8))
        #expect(found.first?.span == 4..<40)
    }

    @Test func escapesMaySitApartBySpacesOrCommasAndDifferInCase() {
        #expect(runs("0x68 0x65,0x6C, 0X6c 0x6f 0x20 0x79 0x6F").first?.bytes == Array("hello yo".utf8))
        #expect(runs("%68%65%6c%6c%6f%20%79%6f").first?.bytes == Array("hello yo".utf8))
    }

    @Test func numbersWordsAndShortRunsAreNotEscapes() {
        // A product of numbers, a multi-byte literal, and escapes broken by a word or too few.
        #expect(runs("10x20 0x6967 0x6e6f").isEmpty)
        #expect(runs("0x68 0x65 0x6c and 0x6c 0x6f 0x20 0x79 0x6f").isEmpty)
        #expect(runs("\\x1b[31mred\\x1b[0m %20 %2F").isEmpty)
        // "ax68" is a word, not an escape: seven are left, one too few.
        #expect(runs("ax68\\x65\\x6c\\x6c\\x6f\\x20\\x79\\x6f").isEmpty)
        #expect(runs("\\x68\\x65\\x6c\\x6c\\x6f\\x20\\x79\\x6f").first?.bytes.count == 8)
    }
}
