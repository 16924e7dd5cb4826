import Foundation

/// The verified claims a unit of work runs under. Postgres reads them back through
/// `palisade.current_tenant()` in every row-level security policy.
public struct TenantScope: Sendable, Equatable {
    public let tenantID: UUID
    public let subject: String
    public let roles: [String]

    public init(tenantID: UUID, subject: String, roles: [String]) {
        self.tenantID = tenantID
        self.subject = subject
        self.roles = roles
    }

    /// A Kafka consumer acting for the tenant in a record's key.
    public static func service(_ name: String, tenantID: UUID) -> TenantScope {
        TenantScope(tenantID: tenantID, subject: "service:\(name)", roles: ["service"])
    }

    /// The JSON stored in `request.jwt.claims` for the transaction.
    public var claimsJSON: String {
        struct Claims: Encodable {
            var tenant_id: String
            var sub: String
            var roles: [String]
        }
        let claims = Claims(tenant_id: tenantID.uuidString.lowercased(), sub: subject, roles: roles)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        // Encoding strings and string arrays cannot fail.
        return (try? String(decoding: encoder.encode(claims), as: UTF8.self)) ?? "{}"
    }
}
