import Foundation
import Logging
import PalisadeStore
import PostgresNIO

/// Publishes identity audit entries that were committed but not published (the gateway
/// stopped, or the broker was away, between a change's commit and its publish). Run it under
/// a `PeriodicService`.
struct AuditOutboxRelay: Sendable {
    let audit: IdentityAudit
    let logger: Logger

    /// Entries younger than ten seconds are still being published by their own request.
    func relayOnce() async throws {
        let rows = try await audit.database.client.query(
            "SELECT tenant_id FROM identity.tenants_with_pending_audit(10, 100)", logger: logger
        )
        var tenants: [UUID] = []
        for try await tenant in rows.decode(UUID.self) { tenants.append(tenant) }
        for tenant in tenants {
            let count = try await audit.publishPending(tenant: tenant, limit: 500, logger: logger)
            if count > 0 { logger.info("relayed identity audit entries", metadata: ["count": "\(count)", "tenant_id": "\(tenant)"]) }
        }
    }
}
