/// Splits a migration file into statements: Postgres's extended protocol (all PostgresNIO
/// speaks) takes one statement at a time. Understands quotes, dollar quotes and comments.
public enum SQLScript {
    public static func statements(_ text: String) -> [String] {
        var statements: [String] = []
        var current = ""
        let characters = Array(text)
        var index = 0

        func flush() {
            let statement = current.trimmingCharacters(in: .whitespacesAndNewlines)
            if !statement.isEmpty && !isOnlyComments(statement) { statements.append(statement) }
            current = ""
        }

        while index < characters.count {
            let character = characters[index]
            let next: Character? = index + 1 < characters.count ? characters[index + 1] : nil
            switch character {
            case "-" where next == "-":
                let end = characters[index...].firstIndex(of: "\n") ?? characters.count
                current += String(characters[index..<end])
                index = end
            case "/" where next == "*":
                let end = find(["*", "/"], in: characters, from: index + 2).map { $0 + 2 } ?? characters.count
                current += String(characters[index..<end])
                index = end
            case "'", "\"":
                let end = closingQuote(character, in: characters, from: index + 1)
                current += String(characters[index..<end])
                index = end
            case "$":
                if let tagEnd = dollarTagEnd(in: characters, from: index) {
                    let tag = Array(characters[index...tagEnd])
                    let end = find(tag, in: characters, from: tagEnd + 1).map { $0 + tag.count } ?? characters.count
                    current += String(characters[index..<end])
                    index = end
                } else {
                    current.append(character)
                    index += 1
                }
            case ";":
                flush()
                index += 1
            default:
                current.append(character)
                index += 1
            }
        }
        flush()
        return statements
    }

    /// The index just past a quoted run; a doubled quote is an escaped quote.
    private static func closingQuote(_ quote: Character, in characters: [Character], from start: Int) -> Int {
        var index = start
        while index < characters.count {
            if characters[index] == quote {
                if index + 1 < characters.count && characters[index + 1] == quote {
                    index += 2
                    continue
                }
                return index + 1
            }
            index += 1
        }
        return characters.count
    }

    /// `$tag$` or `$$` starting at `start`: the index of its closing `$`.
    private static func dollarTagEnd(in characters: [Character], from start: Int) -> Int? {
        var index = start + 1
        while index < characters.count {
            let character = characters[index]
            if character == "$" { return index }
            guard character.isLetter || character == "_" || (character.isNumber && index > start + 1) else { return nil }
            index += 1
        }
        return nil
    }

    private static func find(_ needle: [Character], in characters: [Character], from start: Int) -> Int? {
        guard !needle.isEmpty, characters.count >= needle.count else { return nil }
        var index = start
        while index + needle.count <= characters.count {
            if Array(characters[index..<index + needle.count]) == needle { return index }
            index += 1
        }
        return nil
    }

    private static func isOnlyComments(_ statement: String) -> Bool {
        statement.split(separator: "\n").allSatisfy { line in
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            return trimmed.isEmpty || trimmed.hasPrefix("--")
        }
    }
}
