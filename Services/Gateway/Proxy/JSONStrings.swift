import PalisadeEvents

/// Rewriting every string (and member name) of parsed JSON, to redact a whole answer: its
/// text, and whatever else a value can leave in (tool-call arguments, refusals). OpenAI's tool-call arguments are JSON
/// inside a string; they are rewritten inside, so that the agent can still parse them.
enum JSONStrings {
    /// `value` with each string `rewrite` returns a replacement for (nil leaves it), or nil
    /// when it returned none. `rewrite` is also told the name of the member the string belongs
    /// to (directly, or as an element of its array): some secrets are known by their name alone.
    static func rewriting(_ value: JSONValue, member name: String? = nil,
                          _ rewrite: (_ text: String, _ member: String?) throws -> String?) rethrows -> JSONValue? {
        switch value {
        case .string(let text):
            if let inner = embeddedJSON(text) {
                return try rewriting(inner, rewrite).map { .string(String(decoding: $0.canonicalJSON(), as: UTF8.self)) }
            }
            return try rewrite(text, name).map(JSONValue.string)
        case .array(var items):
            var changed = false
            for index in items.indices {
                guard let replacement = try rewriting(items[index], member: name, rewrite) else { continue }
                items[index] = replacement
                changed = true
            }
            return changed ? .array(items) : nil
        case .object(let members):
            var rewritten: [String: JSONValue] = [:]
            var changed = false
            // In name order, so that keys redacted alike are numbered the same way every time.
            for key in members.keys.sorted() {
                guard let member = members[key] else { continue }
                let replacement = try rewriting(member, member: key, rewrite)
                let name = try renamed(key, among: members, taken: rewritten, rewrite)
                changed = changed || replacement != nil || name != key
                rewritten[name] = replacement ?? member
            }
            return changed ? .object(rewritten) : nil
        case .null, .bool, .integer, .number:
            return nil
        }
    }

    /// A member's name, rewritten like a string: a model answering in JSON can key an object by
    /// what it found (an address, a key). Names of lowercase letters and underscores, which no
    /// detector reports, are left unscanned. Two names redacted alike would overwrite each
    /// other, so later ones are numbered.
    private static func renamed(_ key: String, among members: [String: JSONValue], taken: [String: JSONValue],
                                _ rewrite: (_ text: String, _ member: String?) throws -> String?) rethrows -> String {
        guard !key.utf8.allSatisfy({ (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || $0 == UInt8(ascii: "_") }),
              let redacted = try rewrite(key, nil), redacted != key else { return key }
        var name = redacted
        var number = 2
        while taken[name] != nil || members[name] != nil {
            name = "\(redacted) (\(number))"
            number += 1
        }
        return name
    }

    /// The object or array a string spells, if it spells one (a document that starts with
    /// `{` or `[` can be nothing else).
    private static func embeddedJSON(_ text: String) -> JSONValue? {
        guard let first = text.utf8.first(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D }),
              first == UInt8(ascii: "{") || first == UInt8(ascii: "[") else { return nil }
        return try? JSONReader.parse(text.utf8)
    }
}
