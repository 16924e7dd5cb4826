import Foundation

/// Any JSON document, kept as parsed so validation can name exactly which field is wrong.
public enum JSONValue: Codable, Sendable, Equatable {
    case null
    case bool(Bool)
    case integer(Int64)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .integer(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .integer(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }

    public subscript(key: String) -> JSONValue? {
        if case .object(let object) = self { return object[key] }
        return nil
    }

    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// Integers, and numbers without a fractional part.
    public var integerValue: Int64? {
        switch self {
        case .integer(let value): value
        case .number(let value) where value.rounded() == value && abs(value) < 9.0e15: Int64(value)
        default: nil
        }
    }

    public var numberValue: Double? {
        switch self {
        case .integer(let value): Double(value)
        case .number(let value): value
        default: nil
        }
    }

    /// Sorted keys, no insignificant white space: the same event always has the same bytes.
    /// (`JSONEncoder`'s bytes with `.sortedKeys` and `.withoutEscapingSlashes`; "null" for a
    /// value holding a number JSON cannot spell, as the encoder would refuse it.)
    public func canonicalJSON() -> Data {
        JSONWriter.bytes(of: self).map { Data($0) } ?? Data("null".utf8)
    }
}

extension JSONValue {
    /// The path of the first string or key holding U+0000 (`payload.model`, `tags[2]`), if any.
    public func pathToNUL(at path: String = "") -> String? {
        switch self {
        case .string(let text):
            return text.unicodeScalars.contains("\u{0}") ? path : nil
        case .array(let items):
            for (position, item) in items.enumerated() {
                if let found = item.pathToNUL(at: "\(path)[\(position)]") { return found }
            }
            return nil
        case .object(let members):
            for (key, value) in members.sorted(by: { $0.key < $1.key }) {
                let child = path.isEmpty ? key : "\(path).\(key)"
                if key.unicodeScalars.contains("\u{0}") { return child }
                if let found = value.pathToNUL(at: child) { return found }
            }
            return nil
        default:
            return nil
        }
    }
}
