import CGuardBytes

/// Text as the injection scanner reads it: folded (see `FoldingTable`), with the origin of
/// every folded byte in the original UTF-8, the text hidden in Unicode tag characters, and
/// counts of the invisible characters that were removed.
struct FoldedText: Sendable {
    /// Folded UTF-8.
    var bytes: [UInt8] = []
    /// `origins[i]` is the offset in the original UTF-8 of the scalar folded byte `i` came
    /// from; nil while folding changed no offset (the common, ASCII case).
    var origins: [Int32]? = nil
    /// ASCII spelled with tag characters (U+E0020–U+E007E), invisible when rendered.
    var hidden: [UInt8] = []
    /// Span of the tag characters in the original UTF-8.
    var hiddenSpan: Range<Int>?
    /// Zero-width characters, joiners, bidirectional controls and variation selectors removed.
    var invisibleCount = 0
    /// Of those, the ones ordinary text has no use for: zero-width spaces, word joiners, a
    /// joiner inside an ASCII word, repeated variation selectors, bidirectional controls.
    var suspiciousInvisibleCount = 0
    var invisibleSpan: Range<Int>?
    /// Bidirectional overrides and isolates (U+202A–U+202E, U+2066–U+2069), which reorder
    /// what a reviewer sees.
    var bidiCount = 0
    /// Runs of base64 or hex characters in the original, long enough to hide a sentence.
    var encodedRuns: [Range<Int>] = []
    static let minimumEncodedRun = 16

    /// Original offset of folded byte `index` (`index == bytes.count` is the end).
    @inline(__always)
    func origin(_ index: Int, originalCount: Int) -> Int {
        guard let origins else { return index }
        return index < origins.count ? Int(origins[index]) : originalCount
    }

    init(folding utf8: UnsafeBufferPointer<UInt8>) {
        if Self.isASCII(utf8) {
            foldASCII(utf8)
        } else {
            foldUnicode(utf8)
        }
    }

    /// Eight bytes at a time: no byte has its high bit set.
    private static func isASCII(_ utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = UnsafeRawPointer(utf8.baseAddress) else { return true }
        var index = 0
        let count = utf8.count
        while index + 8 <= count {
            if base.loadUnaligned(fromByteOffset: index, as: UInt64.self) & 0x8080_8080_8080_8080 != 0 { return false }
            index += 8
        }
        while index < count {
            if utf8[index] >= 0x80 { return false }
            index += 1
        }
        return true
    }

    /// The common case: every offset stays where it was, so there are no origins to keep.
    /// Folded sixteen bytes at a time (see `guard_fold_ascii`), which also finds the runs.
    private mutating func foldASCII(_ utf8: UnsafeBufferPointer<UInt8>) {
        let count = utf8.count
        guard count > 0 else { return }
        var runs: [Range<Int>] = []
        bytes = [UInt8](unsafeUninitializedCapacity: count) { out, initialized in
            ASCIIStretchFolder.with(capacity: count) { $0.fold(utf8, into: out.baseAddress, origin: 0, runs: &runs) }
            initialized = count
        }
        encodedRuns = runs
    }

    /// Two passes: the first sizes the output (and learns whether any offset moves), the
    /// second writes it and the origins through pointers. Stretches of ASCII long enough to pay
    /// for a call are folded as whole ASCII texts are; their runs end where the stretch does,
    /// as a non-ASCII scalar ends a run.
    private mutating func foldUnicode(_ utf8: UnsafeBufferPointer<UInt8>) {
        let table = FoldingTable.shared
        let count = utf8.count
        var size = 0
        var moved = false
        var index = 0
        while index < count {
            if utf8[index] < 0x80 {
                let end = Self.asciiEnd(utf8, from: index)
                size += end - index
                index = end
                continue
            }
            let (value, length) = Self.decode(utf8, at: index)
            switch table.fold(value) {
            case .keep: size += length
            case .drop: moved = true
            case .replace(let range):
                size += range.count
                moved = true
            }
            index += length
        }
        var origins: [Int32]? = moved ? [Int32](repeating: 0, count: size) : nil
        var runs: [Range<Int>] = []
        var dropped: [(UInt32, Range<Int>, Bool)] = []
        let folded = [UInt8](unsafeUninitializedCapacity: size) { out, initialized in
            ASCIIFold.table.withUnsafeBufferPointer { ascii in
                EncodedPayload.runMask.withUnsafeBufferPointer { encoded in
                    table.pool.withUnsafeBufferPointer { pool in
                        var originBuffer = origins ?? []
                        originBuffer.withUnsafeMutableBufferPointer { originOut in
                            ASCIIStretchFolder.with(capacity: count) { folder in
                                var written = 0
                                var index = 0
                                @inline(__always) func put(_ byte: UInt8, from origin: Int) {
                                    out[written] = byte
                                    if moved { originOut[written] = Int32(origin) }
                                    written += 1
                                }
                                while index < count {
                                    if utf8[index] < 0x80 {
                                        let end = Self.asciiEnd(utf8, from: index)
                                        if end - index >= Self.vectorStretch {
                                            folder.fold(UnsafeBufferPointer(rebasing: utf8[index..<end]), into: out.baseAddress.map { $0 + written },
                                                        origin: index, runs: &runs)
                                            if moved { for offset in 0..<(end - index) { originOut[written + offset] = Int32(index + offset) } }
                                            written += end - index
                                        } else {
                                            var run = 0
                                            for position in index..<end {
                                                let byte = utf8[position]
                                                put(ascii[Int(byte)], from: position)
                                                let next = (run &+ 1) & encoded[Int(byte)]
                                                if run >= Self.minimumEncodedRun && next == 0 { runs.append(position - run..<position) }
                                                run = next
                                            }
                                            if run >= Self.minimumEncodedRun { runs.append(end - run..<end) }
                                        }
                                        index = end
                                        continue
                                    }
                                    let (value, length) = Self.decode(utf8, at: index)
                                    switch table.fold(value) {
                                    case .keep:
                                        for offset in 0..<length { put(utf8[index + offset], from: index) }
                                    case .drop:
                                        let insideWord = index > 0 && index + length < count
                                            && Self.isASCIILetter(utf8[index - 1]) && Self.isASCIILetter(utf8[index + length])
                                        dropped.append((value, index..<index + length, insideWord))
                                    case .replace(let range):
                                        for byte in UnsafeBufferPointer(rebasing: pool[range]) { put(byte, from: index) }
                                    }
                                    index += length
                                }
                                initialized = written
                            }
                        }
                        if moved { origins = originBuffer }
                    }
                }
            }
        }
        bytes = folded
        self.origins = origins
        encodedRuns = runs
        for (value, span, insideWord) in dropped { noteDropped(value, at: span, insideWord: insideWord) }
    }

    /// Folds ASCII with `guard_fold_ascii`, through scratch space sized for `capacity` bytes.
    private struct ASCIIStretchFolder {
        let scratch: UnsafeMutableBufferPointer<UInt64>
        let bounds: UnsafeMutableBufferPointer<Int64>

        static func with<Result>(capacity: Int, _ body: (ASCIIStretchFolder) -> Result) -> Result {
            // Runs are at least `minimumEncodedRun` bytes and one byte apart.
            let runs = capacity / (FoldedText.minimumEncodedRun + 1) + 1
            return withUnsafeTemporaryAllocation(of: UInt64.self, capacity: capacity / 64 + 2) { scratch in
                withUnsafeTemporaryAllocation(of: Int64.self, capacity: 2 * runs) { bounds in
                    body(ASCIIStretchFolder(scratch: scratch, bounds: bounds))
                }
            }
        }

        /// Folds `stretch` (ASCII, at most `capacity` bytes) into `out` and appends its encoded
        /// runs, as offsets from `origin`.
        func fold(_ stretch: UnsafeBufferPointer<UInt8>, into out: UnsafeMutablePointer<UInt8>?, origin: Int, runs: inout [Range<Int>]) {
            let found = guard_fold_ascii(stretch.baseAddress, stretch.count, out, FoldedText.minimumEncodedRun,
                                         scratch.baseAddress, bounds.baseAddress)
            for run in 0..<found { runs.append(origin + Int(bounds[2 * run])..<origin + Int(bounds[2 * run + 1])) }
        }
    }

    /// ASCII stretches at least this long are folded sixteen bytes at a time.
    private static let vectorStretch = 32

    /// The end of the ASCII stretch starting at `index`: the next byte with its high bit set.
    @inline(__always)
    private static func asciiEnd(_ utf8: UnsafeBufferPointer<UInt8>, from index: Int) -> Int {
        var position = index
        if let base = UnsafeRawPointer(utf8.baseAddress) {
            while position + 8 <= utf8.count {
                let high = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: position, as: UInt64.self)) & 0x8080_8080_8080_8080
                if high != 0 { return position + high.trailingZeroBitCount / 8 }
                position += 8
            }
        }
        while position < utf8.count, utf8[position] < 0x80 { position += 1 }
        return position
    }

    /// The scalar whose UTF-8 starts at `index` (valid UTF-8: it came from a String) and its length.
    @inline(__always)
    private static func decode(_ utf8: UnsafeBufferPointer<UInt8>, at index: Int) -> (UInt32, Int) {
        let lead = utf8[index]
        let encoded = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2
        var value = UInt32(lead) & (encoded == 2 ? 0x1F : encoded == 3 ? 0x0F : 0x07)
        // Never past the end, even if a caller broke the contract with a truncated sequence
        // (the unchecked subscript would read beyond the buffer).
        let length = min(encoded, utf8.count - index)
        for offset in 1..<length { value = value << 6 | UInt32(utf8[index + offset] & 0x3F) }
        return (value, length)
    }

    private static func isASCIILetter(_ byte: UInt8) -> Bool {
        (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
    }

    private var previousWasVariationSelector = false
    private static let alwaysSuspicious: Set<UInt32> = [
        0x200B, 0x2060, 0x2061, 0x2062, 0x2063, 0x2064, 0x180E, 0x034F, 0x115F, 0x1160, 0x3164, 0xFFA0,
    ]

    private mutating func noteDropped(_ value: UInt32, at span: Range<Int>, insideWord: Bool) {
        let isVariationSelector = (0xFE00...0xFE0F).contains(value) || (0xE0100...0xE01EF).contains(value)
        defer { previousWasVariationSelector = isVariationSelector }
        if (0xE0020...0xE007E).contains(value) {
            hidden.append(ASCIIFold.table[Int(value - 0xE0000)])
            hiddenSpan = (hiddenSpan?.lowerBound ?? span.lowerBound)..<span.upperBound
            return
        }
        if (0xE0000...0xE007F).contains(value) { return }
        // Soft hyphens are common in ordinary hyphenated text; they are dropped but not counted.
        if value == 0xAD { return }
        invisibleCount += 1
        let isBidiControl = (0x202A...0x202E).contains(value) || (0x2066...0x2069).contains(value)
        if isBidiControl { bidiCount += 1 }
        // Combining marks of decomposed letters are dropped too, but are ordinary.
        let isFormatCharacter = (0x200B...0x200F).contains(value) || (0x2060...0x206F).contains(value)
            || value == 0xFEFF || value == 0x180E
        let suspicious = (insideWord && isFormatCharacter) || isBidiControl || Self.alwaysSuspicious.contains(value)
            || (value == 0xFEFF && span.lowerBound > 0) || (isVariationSelector && previousWasVariationSelector)
        guard suspicious else { return }
        suspiciousInvisibleCount += 1
        invisibleSpan = (invisibleSpan?.lowerBound ?? span.lowerBound)..<span.upperBound
    }
}
