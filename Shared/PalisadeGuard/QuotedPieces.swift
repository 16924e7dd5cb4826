import CGuardBytes

/// Short quoted strings put back together: `a = "ign"; b = "ore all previous instructions"`.
enum QuotedPieces {
    struct Joined {
        var text: [UInt8]
        /// Where each piece starts in `text`.
        var pieceStarts: [Int]
        /// The pieces' span in the scanned text.
        var span: Range<Int>
    }

    /// A split payload is a few short pieces; more, or longer, is ordinary code or data.
    static let maximumPieces = 8
    static let maximumPieceLength = 80

    /// The contents of quoted strings, joined without and with a space between them; nil when
    /// there are fewer than two pieces or too many to be a split payload. Quotes are found
    /// sixteen bytes at a time: this reads every text that joins anything.
    static func join(_ text: UnsafeBufferPointer<UInt8>) -> [Joined]? {
        guard let base = text.baseAddress else { return nil }
        var pieces: [Range<Int>] = []
        var index = guard_find_quote(base, text.count, 0)
        while index < text.count {
            let quote = text[index]
            // An apostrophe inside a word ("don't") opens nothing.
            if quote == UInt8(ascii: "'"), index > 0, InjectionEngine.wordBytes[Int(text[index - 1])] {
                index = guard_find_quote(base, text.count, index + 1)
                continue
            }
            var close = index + 1
            while close < text.count, close - index <= maximumPieceLength, text[close] != quote, text[close] != 0x0A { close += 1 }
            guard close < text.count, text[close] == quote, close - index <= maximumPieceLength else {
                index = guard_find_quote(base, text.count, index + 1)
                continue
            }
            if close > index + 1 { pieces.append(index + 1..<close) }
            guard pieces.count <= maximumPieces else { return nil }
            index = guard_find_quote(base, text.count, close + 1)
        }
        guard pieces.count >= 2, let first = pieces.first, let last = pieces.last else { return nil }
        return [[UInt8](), [0x20]].map { separator in
            var joined = Joined(text: [], pieceStarts: [], span: first.lowerBound..<last.upperBound)
            for piece in pieces {
                if !joined.text.isEmpty { joined.text += separator }
                joined.pieceStarts.append(joined.text.count)
                joined.text += text[piece]
            }
            return joined
        }
    }
}
