import Foundation
import PalisadeEvents

/// What changed between two versions of a watched document, as old and new values: for JSON
/// documents the changed leaves by dotted path, for text the documents themselves (shortened).
enum DocumentDiff {
    static let textLimit = 2000

    static func values(old: String, new: String) -> (old: JSONValue, new: JSONValue) {
        if let before = try? JSONReader.parse(old.utf8),
           let after = try? JSONReader.parse(new.utf8) {
            var leavesBefore: [String: JSONValue] = [:]
            var leavesAfter: [String: JSONValue] = [:]
            flatten(before, path: "", into: &leavesBefore)
            flatten(after, path: "", into: &leavesAfter)
            var changedBefore: [String: JSONValue] = [:]
            var changedAfter: [String: JSONValue] = [:]
            for path in Set(leavesBefore.keys).union(leavesAfter.keys) where leavesBefore[path] != leavesAfter[path] {
                changedBefore[path] = leavesBefore[path] ?? .null
                changedAfter[path] = leavesAfter[path] ?? .null
            }
            return (.object(changedBefore), .object(changedAfter))
        }
        return (.string(String(old.prefix(textLimit))), .string(String(new.prefix(textLimit))))
    }

    static func flatten(_ value: JSONValue, path: String, into leaves: inout [String: JSONValue]) {
        switch value {
        case .object(let members):
            for (key, member) in members { flatten(member, path: path.isEmpty ? key : "\(path).\(key)", into: &leaves) }
        case .array(let items):
            for (index, item) in items.enumerated() { flatten(item, path: "\(path)[\(index)]", into: &leaves) }
        default:
            leaves[path.isEmpty ? "$" : path] = value
        }
    }
}
