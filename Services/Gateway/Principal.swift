import Foundation

/// Who a verified credential stands for, before it becomes a platform token.
struct Principal: Sendable, Hashable {
    var tenantID: UUID
    var subject: String
    var roles: [String]
    var capabilities: [String]
}
