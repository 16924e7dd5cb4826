/// A value a decision request carries in its `context` (JSON's kinds; numbers as doubles).
public enum PolicyValue: Sendable, Equatable, Decodable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case list([PolicyValue])
    case object([String: PolicyValue])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        // Bool before numbers: JSONDecoder decodes only `true` and `false` as Bool.
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([PolicyValue].self) {
            self = .list(value)
        } else {
            self = .object(try container.decode([String: PolicyValue].self))
        }
    }

    /// The member at `key`, for objects.
    @inline(__always)
    public subscript(key: String) -> PolicyValue? {
        if case .object(let members) = self { return members[key] }
        return nil
    }
}
