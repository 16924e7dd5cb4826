import Foundation
import Logging
import PalisadeService
import PalisadeStore

/// Closes approvals nobody decided in time: each becomes `expired`, with its audit entry and a
/// deny decision, in one transaction per tenant. Run it under a `PeriodicService`; readers see
/// an overdue approval as expired even before this marks it.
struct ApprovalExpiry: Sendable {
    let store: ApprovalStore
    let outbox: TransactionalOutbox
    let logger: Logger

    func expireOnce() async throws {
        for tenant in try await store.tenantsWithExpired(limit: 100, logger: logger) {
            let scope = TenantScope.service("policy", tenantID: tenant)
            let outbox = outbox
            let logger = logger
            let count = try await store.expire(scope: scope, logger: logger) { approval, connection in
                try await outbox.stage(try ApprovalRoutes.outcomeRecords(approval, scope: scope, requestID: approval.requestID),
                                       on: connection, logger: logger)
            }
            await outbox.flush(tenant: tenant, logger: logger)
            if count > 0 { logger.info("approvals expired", metadata: ["tenant_id": "\(tenant)", "count": "\(count)"]) }
        }
    }
}
