import Foundation

/// Who a verified credential stands for, before it becomes a platform token.
struct Principal: Sendable, Hashable {
    /// Identifies the credential for caching its platform token (`apikey:<id>`, `oidc:<iss>#<sub>`).
    var credentialKey: String
    var tenantID: UUID
    var subject: String
    var roles: [String]
    var capabilities: [String]
}
