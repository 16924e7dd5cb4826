import Foundation
import PalisadeAuth
import PalisadeStore

extension PlatformClaims {
    /// The database scope of a verified token (verification guarantees the tenant parses).
    public var scope: TenantScope {
        TenantScope(tenantID: tenant ?? UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)), subject: sub.value, roles: roles)
    }
}
