/// One thing wrong with one field of one event in a batch.
public struct FieldViolation: Codable, Sendable, Equatable {
    /// Position of the event in the batch (0-based), when the body was a batch.
    public var index: Int?
    /// Dotted path, e.g. `payload.tokens.input`.
    public var field: String
    public var reason: String

    public init(index: Int?, field: String, reason: String) {
        self.index = index
        self.field = field
        self.reason = reason
    }
}
