/// One-slip misspellings of the few words attacks are built around: "Ignore your previous
/// iunstructions", "ingore all prevous instrucions". Jailbreaks are typed in a hurry and
/// copied on with their slips, and a slip in "instructions" must not be a way past the scan.
/// A slip here is one edit a typist makes: a letter dropped, doubled, swapped with the next,
/// or struck or added by a neighbouring key. Variants join the lexicon with the classes of
/// the word they misspell; a variant that is itself a vocabulary word keeps its own classes.
enum Misspellings {
    /// Long enough that a one-letter slip does not spell another common word.
    static let words = ["ignore", "disregard", "previous", "instructions", "instruction", "guidelines", "restrictions",
                        "instead"]

    /// Every slip of `words`, with the word it misspells: worked out once a process, though
    /// each engine builds its own lexicon.
    static let slips: [(slip: String, word: String)] = words.flatMap { word in
        variants(of: word).sorted().map { (slip: $0, word: word) }
    }

    /// Every one-slip variant of `word` (lowercase ASCII), without the word itself.
    static func variants(of word: String) -> Set<String> {
        let letters = Array(word)
        var variants = Set<String>()
        for index in letters.indices {
            var dropped = letters
            dropped.remove(at: index)
            variants.insert(String(dropped))
            var doubled = letters
            doubled.insert(letters[index], at: index)
            variants.insert(String(doubled))
            if index + 1 < letters.count {
                var swapped = letters
                swapped.swapAt(index, index + 1)
                variants.insert(String(swapped))
            }
            for neighbour in neighbours[letters[index]] ?? [] {
                var struck = letters
                struck[index] = neighbour
                variants.insert(String(struck))
                var addedBefore = letters
                addedBefore.insert(neighbour, at: index)
                variants.insert(String(addedBefore))
                var addedAfter = letters
                addedAfter.insert(neighbour, at: index + 1)
                variants.insert(String(addedAfter))
            }
        }
        variants.remove(word)
        return variants
    }

    /// Keys next to each letter on a QWERTY keyboard, in its row and the rows above and below.
    private static let neighbours: [Character: [Character]] = [
        "q": ["w", "a"], "w": ["q", "e", "a", "s"], "e": ["w", "r", "s", "d"], "r": ["e", "t", "d", "f"],
        "t": ["r", "y", "f", "g"], "y": ["t", "u", "g", "h"], "u": ["y", "i", "h", "j"], "i": ["u", "o", "j", "k"],
        "o": ["i", "p", "k", "l"], "p": ["o", "l"], "a": ["q", "w", "s", "z"], "s": ["a", "d", "w", "e", "z", "x"],
        "d": ["s", "f", "e", "r", "x", "c"], "f": ["d", "g", "r", "t", "c", "v"], "g": ["f", "h", "t", "y", "v", "b"],
        "h": ["g", "j", "y", "u", "b", "n"], "j": ["h", "k", "u", "i", "n", "m"], "k": ["j", "l", "i", "o", "m"],
        "l": ["k", "o", "p"], "z": ["a", "s", "x"], "x": ["z", "c", "s", "d"], "c": ["x", "v", "d", "f"],
        "v": ["c", "b", "f", "g"], "b": ["v", "n", "g", "h"], "n": ["b", "m", "h", "j"], "m": ["n", "j", "k"],
    ]
}
