/// Text spelled out one letter at a time ("i g n o r e  a l l", "I.G.N.O.R.E"), put back
/// together so the patterns can read it. Wider gaps between letters mark word boundaries;
/// where there are none, the letters are split into the lexicon's words, longest first.
enum SpacedText {
    /// The run's letters as words separated by spaces, or nil if it spells nothing known.
    static func rebuild(_ run: UnsafeBufferPointer<UInt8>, lexicon: Lexicon) -> [UInt8]? {
        var letters: [UInt8] = []
        var separators: [Int] = []
        var gap = 0
        for byte in run {
            if (0x61...0x7A).contains(byte) {
                if !letters.isEmpty { separators.append(gap) }
                letters.append(byte)
                gap = 0
            } else {
                gap += 1
            }
        }
        guard letters.count >= 5, let narrowest = separators.min() else { return nil }
        var words: [[UInt8]] = [[letters[0]]]
        for (index, separator) in separators.enumerated() {
            if separator > narrowest { words.append([]) }
            words[words.count - 1].append(letters[index + 1])
        }
        if words.count == 1 { words = segment(letters, lexicon: lexicon) }
        let known = words.filter { lexicon.lookup($0) != nil }.count
        guard known * 2 >= words.count else { return nil }
        return Array(words.joined(separator: [0x20]))
    }

    /// Splits letters into lexicon words (longest match first, unknown letters left alone).
    private static func segment(_ letters: [UInt8], lexicon: Lexicon) -> [[UInt8]] {
        var words: [[UInt8]] = []
        var index = 0
        while index < letters.count {
            var taken = 0
            for length in stride(from: min(Lexicon.maximumWordLength, letters.count - index), through: 2, by: -1) {
                if lexicon.lookup(Array(letters[index..<index + length])) != nil {
                    taken = length
                    break
                }
            }
            if taken == 0 {
                if words.isEmpty || lexicon.lookup(words[words.count - 1]) != nil { words.append([]) }
                words[words.count - 1].append(letters[index])
                index += 1
            } else {
                words.append(Array(letters[index..<index + taken]))
                index += taken
            }
        }
        return words
    }
}
