/// Text of HTTP header fields.
public enum FieldText {
    /// `text` without the spaces and tabs HTTP allows around a field's parts (RFC 9110 OWS).
    public static func trimmingOptionalWhitespace(_ text: Substring) -> Substring {
        let isOptionalWhitespace = { (character: Character) in character == " " || character == "\t" }
        guard let first = text.firstIndex(where: { !isOptionalWhitespace($0) }),
              let last = text.lastIndex(where: { !isOptionalWhitespace($0) }) else { return "" }
        return text[first...last]
    }
}
