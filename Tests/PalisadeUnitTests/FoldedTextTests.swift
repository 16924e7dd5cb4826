@testable import PalisadeGuard
import Testing

/// The vectorised ASCII fold against the byte-at-a-time specification: the folded bytes and
/// the encoded runs, on seeded texts whose runs are just under, at and over the minimum, cross
/// 64-byte elements and end the text.
@Suite struct FoldedTextTests {
    /// A byte at a time, as the fold was first written.
    private func reference(_ text: [UInt8]) -> (bytes: [UInt8], runs: [Range<Int>]) {
        var bytes: [UInt8] = []
        var runs: [Range<Int>] = []
        var run = 0
        for (index, byte) in text.enumerated() {
            bytes.append(ASCIIFold.table[Int(byte)])
            if EncodedPayload.runMask[Int(byte)] != 0 {
                run += 1
            } else {
                if run >= FoldedText.minimumEncodedRun { runs.append(index - run..<index) }
                run = 0
            }
        }
        if run >= FoldedText.minimumEncodedRun { runs.append(text.count - run..<text.count) }
        return (bytes, runs)
    }

    /// ASCII texts of runs of encoded characters (lengths around the minimum and the element
    /// size) between separators, controls and DEL.
    private func texts(count: Int, seed: UInt64) -> [[UInt8]] {
        var choices = SeededChoices(seed: seed)
        func next(_ bound: Int) -> Int { choices.next(bound) }
        let encoded = Array("ABCXYZabcxyz0189+/=-_".utf8)
        let others: [UInt8] = [0x00, 0x01, 0x09, 0x0A, 0x0D, 0x1F, 0x20, 0x21, 0x2E, 0x3A, 0x40, 0x5B, 0x60, 0x7B, 0x7E, 0x7F]
        let lengths = [0, 1, 5, 14, 15, 16, 17, 31, 48, 63, 64, 65, 100, 128, 129, 200]
        return (0..<count).map { _ in
            var text: [UInt8] = []
            for _ in 0..<next(12) {
                for _ in 0..<lengths[next(lengths.count)] { text.append(encoded[next(encoded.count)]) }
                for _ in 0..<(1 + next(3)) { text.append(others[next(others.count)]) }
            }
            if next(2) == 0 { for _ in 0..<lengths[next(lengths.count)] { text.append(encoded[next(encoded.count)]) } }
            return text
        }
    }

    @Test func vectorisedFoldKeepsTheByteAtATimeSpecification() {
        var runs = 0
        for text in texts(count: 4_000, seed: 5) {
            let folded = text.withUnsafeBufferPointer { FoldedText(folding: $0) }
            let expected = reference(text)
            #expect(folded.bytes == expected.bytes, "\(text)")
            #expect(folded.encodedRuns == expected.runs, "\(text)")
            #expect(folded.origins == nil)
            runs += expected.runs.count
        }
        // The texts must exercise runs, or the comparison says little.
        #expect(runs > 4_000)
    }

    @Test func runsFillingTheTextAndEveryLengthAroundTheMinimum() {
        for length in 0...200 {
            let text = [UInt8](repeating: UInt8(ascii: "Q"), count: length)
            let folded = text.withUnsafeBufferPointer { FoldedText(folding: $0) }
            #expect(folded.encodedRuns == (length >= FoldedText.minimumEncodedRun ? [0..<length] : []), "\(length)")
            #expect(folded.bytes == [UInt8](repeating: UInt8(ascii: "q"), count: length))
        }
    }

    /// A scalar at a time, as the Unicode fold was first written: bytes, origins and runs.
    private func referenceUnicode(_ text: String) -> (bytes: [UInt8], origins: [Int32], runs: [Range<Int>]) {
        var bytes: [UInt8] = []
        var origins: [Int32] = []
        var runs: [Range<Int>] = []
        var run = 0
        var offset = 0
        var moved = false
        for scalar in text.unicodeScalars {
            let utf8 = Array(String(scalar).utf8)
            defer { offset += utf8.count }
            if scalar.value < 0x80 {
                bytes.append(ASCIIFold.table[Int(scalar.value)])
                origins.append(Int32(offset))
                if EncodedPayload.runMask[Int(scalar.value)] != 0 { run += 1; continue }
            }
            if run >= FoldedText.minimumEncodedRun { runs.append(offset - run..<offset) }
            run = 0
            guard scalar.value >= 0x80 else { continue }
            let table = FoldingTable.shared
            switch table.fold(scalar.value) {
            case .keep:
                bytes += utf8
                origins += Array(repeating: Int32(offset), count: utf8.count)
            case .drop: moved = true
            case .replace(let range):
                moved = true
                bytes += table.pool[range]
                origins += Array(repeating: Int32(offset), count: range.count)
            }
        }
        if run >= FoldedText.minimumEncodedRun { runs.append(offset - run..<offset) }
        // While no offset moves, a folded byte's origin is its own offset.
        return (bytes, moved ? origins : (0..<bytes.count).map { Int32($0) }, runs)
    }

    @Test func asciiStretchesInsideUnicodeTextKeepTheScalarAtATimeSpecification() {
        // Kept, dropped (zero-width space, soft hyphen) and replaced (fullwidth, ligature, accented capital) scalars.
        let scalars = ["é", "日", "\u{200B}", "\u{00AD}", "Ａ", "ﬁ", "É", "😀"]
        var choices = SeededChoices(seed: 9)
        func next(_ bound: Int) -> Int { choices.next(bound) }
        var vectorised = 0
        for (index, ascii) in texts(count: 2_000, seed: 21).enumerated() {
            var text = ""
            for byte in ascii {
                if next(40) == 0 { text += scalars[next(scalars.count)] }
                text.unicodeScalars.append(Unicode.Scalar(byte))
            }
            if index % 2 == 0 { text += scalars[next(scalars.count)] }
            let folded = Array(text.utf8).withUnsafeBufferPointer { FoldedText(folding: $0) }
            let expected = referenceUnicode(text)
            #expect(folded.bytes == expected.bytes, "\(text.debugDescription)")
            #expect(folded.encodedRuns == expected.runs, "\(text.debugDescription)")
            #expect((0...folded.bytes.count).map { Int32(folded.origin($0, originalCount: text.utf8.count)) }
                == expected.origins + [Int32(text.utf8.count)], "\(text.debugDescription)")
            vectorised += expected.runs.filter { $0.count >= 32 }.count
        }
        #expect(vectorised > 100)
    }
}
