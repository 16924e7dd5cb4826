import Foundation
import Logging
import PalisadeEvents
import PalisadeKafka

/// The audit topic → each tenant's hash chain. Records of one tenant share a partition, so
/// they arrive in order; the ledger skips entries it already holds.
struct LedgerAppend: Sendable {
    let ledger: LedgerStore
    let logger: Logger

    func handle(_ batch: [KafkaMessage]) async throws {
        var entriesByTenant: [UUID: [Palisade_V1_AuditEntry]] = [:]
        var order: [UUID] = []
        for message in batch {
            let tenantID = try message.tenantID()
            guard let entry = try? Palisade_V1_AuditEntry(serializedBytes: message.value),
                  entry.tenantID == message.keyText.lowercased(), !entry.entryID.isEmpty,
                  (try? JSONReader.parse(entry.subject)) != nil else {
                throw PoisonRecord("payload is not an audit entry of the key's tenant with a JSON subject")
            }
            if entriesByTenant[tenantID] == nil { order.append(tenantID) }
            entriesByTenant[tenantID, default: []].append(entry)
        }
        for tenantID in order {
            let appended = try await ledger.append(entriesByTenant[tenantID] ?? [], tenantID: tenantID, logger: logger)
            if appended > 0 { logger.debug("audit entries appended", metadata: ["tenant_id": "\(tenantID)", "count": "\(appended)"]) }
        }
    }
}
