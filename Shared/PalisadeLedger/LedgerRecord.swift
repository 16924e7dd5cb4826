import Foundation

/// One record of a tenant's audit chain, as stored.
public struct LedgerRecord: Sendable, Equatable {
    public var tenantID: String
    public var sequence: Int64
    public var entryID: String
    public var kind: String
    public var actor: String
    /// RFC 3339 text, hashed exactly as stored.
    public var occurredAt: String
    public var requestID: String
    /// Canonical JSON of the fact recorded.
    public var subject: String

    public init(tenantID: String, sequence: Int64, entryID: String, kind: String, actor: String, occurredAt: String, requestID: String, subject: String) {
        self.tenantID = tenantID
        self.sequence = sequence
        self.entryID = entryID
        self.kind = kind
        self.actor = actor
        self.occurredAt = occurredAt
        self.requestID = requestID
        self.subject = subject
    }

    /// The bytes the chain hashes: a JSON object with sorted keys and no insignificant white
    /// space, the subject embedded as stored. Every column is covered, the sequence included,
    /// so an edited, moved or renumbered record changes its hash.
    public var canonicalBytes: [UInt8] {
        let fields: [(String, String)] = [
            ("actor", Self.quoted(actor)),
            ("entry_id", Self.quoted(entryID)),
            ("kind", Self.quoted(kind)),
            ("occurred_at", Self.quoted(occurredAt)),
            ("request_id", Self.quoted(requestID)),
            ("sequence", String(sequence)),
            ("subject", subject),
            ("tenant_id", Self.quoted(tenantID)),
        ]
        return Array(("{" + fields.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}").utf8)
    }

    /// A JSON string literal: quotes, backslashes and control characters escaped.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
