import Foundation
import SwiftProtobuf

extension Palisade_V1_AuditEntry {
    /// An entry for the audit topic; `subject` is stored as canonical JSON so the ledger's
    /// hash covers exactly these bytes.
    public init(tenantID: String, entryID: String, kind: String, actor: String, occurredAt: Date, requestID: String, subject: JSONValue) {
        self.init()
        self.tenantID = tenantID
        self.entryID = entryID
        self.kind = kind
        self.actor = actor
        self.occurredAt = Google_Protobuf_Timestamp(date: occurredAt)
        self.requestID = requestID
        self.subject = subject.canonicalJSON()
    }
}
