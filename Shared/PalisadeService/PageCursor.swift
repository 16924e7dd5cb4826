import Foundation

/// Where the next page of a keyset-paginated list starts: the last row's sort key (as
/// Postgres printed it) and its id, opaque to the caller (base64url).
public struct PageCursor: Sendable, Equatable {
    public var sortKey: String
    public var id: String

    public init(sortKey: String, id: String) {
        self.sortKey = sortKey
        self.id = id
    }

    public init?(encoded: String) {
        var base64 = encoded.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard let data = Data(base64Encoded: base64) else { return nil }
        let text = String(decoding: data, as: UTF8.self)
        guard let bar = text.firstIndex(of: "|") else { return nil }
        sortKey = String(text[..<bar])
        id = String(text[text.index(after: bar)...])
        guard !sortKey.isEmpty, !id.isEmpty else { return nil }
    }

    public var encoded: String {
        Data("\(sortKey)|\(id)".utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}

/// The shared paging parameters of list endpoints: `limit` and `cursor`.
public struct PageRequest: Sendable {
    public static let defaultLimit = 100
    public static let maximumLimit = 1000

    public var limit: Int
    public var cursor: PageCursor?

    /// Reads `limit` and `cursor`, adding a problem per bad value; `validCursor` checks the
    /// decoded cursor's sort key (e.g. that it is a timestamp).
    public init(limit: String?, cursor: String?, problems: inout [ProblemField], validCursor: (PageCursor) -> Bool = { _ in true }) {
        self.limit = Self.defaultLimit
        if let limit {
            if let value = Int(limit), (1...Self.maximumLimit).contains(value) {
                self.limit = value
            } else {
                problems.append(ProblemField(index: nil, field: "limit", reason: "must be a whole number from 1 to \(Self.maximumLimit)"))
            }
        }
        // An empty cursor is no cursor: the first page.
        if let cursor, !cursor.isEmpty {
            self.cursor = PageCursor(encoded: cursor).flatMap { validCursor($0) ? $0 : nil }
            if self.cursor == nil { problems.append(ProblemField(index: nil, field: "cursor", reason: "is not a cursor this API returned")) }
        }
    }
}
