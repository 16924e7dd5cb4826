import Foundation
import Yams

/// The public API document (`proto/openapi.yaml`): served as JSON at `GET /openapi.json`, and
/// compared with the routes the gateway serves, so neither can drift from the other.
public struct OpenAPIDocument: Sendable {
    /// The document as JSON bytes.
    public let json: Data
    /// `METHOD /path` of every operation, paths as written (`/v1/incidents/{id}`).
    public let operations: Set<String>

    static let methods = ["get", "put", "post", "delete", "patch", "head", "options"]

    public init(yaml: String) throws {
        guard let object = try Yams.load(yaml: yaml) as? [String: Any], let paths = object["paths"] as? [String: Any] else {
            throw OpenAPIDocumentError.unreadable("no paths")
        }
        var operations = Set<String>()
        for (path, item) in paths {
            guard let item = item as? [String: Any] else { continue }
            for method in Self.methods where item[method] != nil {
                operations.insert("\(method.uppercased()) \(path)")
            }
        }
        self.operations = operations
        json = try JSONSerialization.data(withJSONObject: Self.jsonCompatible(object), options: [.sortedKeys, .withoutEscapingSlashes])
    }

    public init(contentsOf path: String) throws {
        try self.init(yaml: try String(contentsOfFile: path, encoding: .utf8))
    }

    /// What the document and the served routes disagree on; empty when they match.
    public func mismatches(served: Set<String>) -> [String] {
        let undocumented = served.subtracting(operations).sorted().map { "served but not documented: \($0)" }
        let unserved = operations.subtracting(served).sorted().map { "documented but not served: \($0)" }
        return undocumented + unserved
    }

    /// YAML scalars as JSON values: Yams yields Int, Double, Bool, String, arrays and maps.
    static func jsonCompatible(_ value: Any) -> Any {
        switch value {
        case let map as [String: Any]: return map.mapValues(jsonCompatible)
        case let map as [AnyHashable: Any]:
            return Dictionary(uniqueKeysWithValues: map.map { ("\($0.key)", jsonCompatible($0.value)) })
        case let list as [Any]: return list.map(jsonCompatible)
        case is NSNull: return NSNull()
        case let date as Date: return date.formatted(Date.ISO8601FormatStyle())
        default: return value
        }
    }
}

public enum OpenAPIDocumentError: Error, CustomStringConvertible {
    case unreadable(String)
    case mismatch([String])

    public var description: String {
        switch self {
        case .unreadable(let reason): "the API document is unreadable: \(reason)"
        case .mismatch(let lines): "the API document and the routes differ:\n  " + lines.joined(separator: "\n  ")
        }
    }
}
