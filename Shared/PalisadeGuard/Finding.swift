/// What a detector found: which detector, the kind of thing, where (in Unicode scalars of the
/// scanned text, end exclusive) and how sure it is.
public struct Finding: Sendable, Hashable, Codable {
    public enum Category: String, Sendable, Hashable, Codable, CaseIterable {
        case injection
        case pii
        case secret
    }

    /// The injection family (`instruction_override`) or the data type (`payment_card`).
    public var detector: String
    public var category: Category
    /// Offsets in Unicode scalars, `start..<end`.
    public var start: Int
    public var end: Int
    /// 0...1: how likely the span is what the detector says.
    public var confidence: Double

    public init(detector: String, category: Category, start: Int, end: Int, confidence: Double) {
        self.detector = detector
        self.category = category
        self.start = start
        self.end = end
        self.confidence = confidence
    }

    enum CodingKeys: String, CodingKey {
        case detector, category = "class", start, end, confidence
    }
}

/// A finding whose span is still in UTF-8 bytes of the text it was found in; scanners work in
/// bytes and convert once, at the end, for every finding together.
struct ByteFinding: Sendable, Hashable {
    var detector: String
    var category: Finding.Category
    var start: Int
    var end: Int
    var confidence: Double
}
