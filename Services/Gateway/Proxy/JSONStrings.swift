import PalisadeEvents

/// Rewriting every string of parsed JSON, to redact a whole answer: its text, and whatever else
/// a value can leave in (tool-call arguments, refusals). OpenAI's tool-call arguments are JSON
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
        case .object(var members):
            var changed = false
            for (key, member) in members {
                guard let replacement = try rewriting(member, member: key, rewrite) else { continue }
                members[key] = replacement
                changed = true
            }
            return changed ? .object(members) : nil
        case .null, .bool, .integer, .number:
            return nil
        }
    }

    /// The object or array a string spells, if it spells one (a document that starts with
    /// `{` or `[` can be nothing else).
    private static func embeddedJSON(_ text: String) -> JSONValue? {
        guard let first = text.utf8.first(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D }),
              first == UInt8(ascii: "{") || first == UInt8(ascii: "[") else { return nil }
        return try? JSONReader.parse(text.utf8)
    }
}
