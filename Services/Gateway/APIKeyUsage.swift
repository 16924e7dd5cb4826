import Foundation
import Logging
import PalisadeEvents
import PalisadeService
import PalisadeStore
import Synchronization

/// Counts API key use in memory and writes it out every flush: `last_used_at` on the key and
/// one `api_key.used` audit entry per key and period (a per-request entry would make the
/// ledger grow with traffic rather than with facts).
final class APIKeyUsage: Sendable {
    private struct Tally {
        var tenantID: UUID
        var requests: Int
        var firstUsed: Date
        var lastUsed: Date
    }

    private let tallies = Mutex<[String: Tally]>([:])

    init() {}

    func record(keyID: String, tenantID: UUID, at date: Date = Date()) {
        tallies.withLock { tallies in
            if var tally = tallies[keyID] {
                tally.requests += 1
                tally.lastUsed = date
                tallies[keyID] = tally
            } else {
                tallies[keyID] = Tally(tenantID: tenantID, requests: 1, firstUsed: date, lastUsed: date)
            }
        }
    }

    /// Writes what was counted since the last flush; on failure the counts go back for the next.
    func flush(store: APIKeyStore, audit: IdentityAudit, logger: Logger) async throws {
        let taken = tallies.withLock { tallies in
            defer { tallies.removeAll(keepingCapacity: true) }
            return tallies
        }
        let byTenant = Dictionary(grouping: taken, by: { $0.value.tenantID })
        var failure: (any Error)?
        for (tenantID, keys) in byTenant {
            let scope = TenantScope.service("gateway", tenantID: tenantID)
            let entries = keys.map { keyID, tally in
                IdentityAudit.entry(tenant: tenantID, kind: "api_key.used", actor: "apikey:\(keyID)", requestID: "", subject: .object([
                    "key_id": .string(keyID), "requests": .integer(Int64(tally.requests)),
                    "first_used_at": .string(RFC3339.format(tally.firstUsed)),
                    "last_used_at": .string(RFC3339.format(tally.lastUsed)),
                ]))
            }
            do {
                try await store.recordUse(Dictionary(uniqueKeysWithValues: keys.map { ($0.key, $0.value.lastUsed) }),
                                          audit: entries, scope: scope, logger: logger)
            } catch {
                restore(Dictionary(uniqueKeysWithValues: keys))
                failure = error
                continue
            }
            await audit.publish(entries, scope: scope, trace: .init(requestID: ""), logger: logger)
        }
        if let failure { throw failure }
    }

    private func restore(_ unwritten: [String: Tally]) {
        tallies.withLock { tallies in
            for (keyID, tally) in unwritten {
                if var current = tallies[keyID] {
                    current.requests += tally.requests
                    current.firstUsed = min(current.firstUsed, tally.firstUsed)
                    tallies[keyID] = current
                } else {
                    tallies[keyID] = tally
                }
            }
        }
    }
}
