import Foundation
import Logging
import PalisadeAuth
import PalisadeEvents
import PalisadeKafka
import PalisadeService
import PalisadeStore
import PostgresNIO

/// Audit entries of identity changes. Each is staged in `identity.audit_outbox` inside the
/// change's own transaction, so a committed change always has its entry; it is published after
/// the commit, and `AuditOutboxRelay` publishes whatever a crash or broker outage left behind.
/// The ledger appends an entry id once, so publishing twice is harmless.
struct IdentityAudit: Sendable {
    let database: Database
    let producer: KafkaProducer

    static func entry(tenant: UUID, kind: String, actor: String, requestID: String, subject: JSONValue) -> Palisade_V1_AuditEntry {
        Palisade_V1_AuditEntry(
            tenantID: tenant.uuidString.lowercased(), entryID: "identity:\(UUID().uuidString.lowercased())", kind: kind,
            actor: actor, occurredAt: Date(), requestID: requestID, subject: subject
        )
    }

    /// The entry for a change the caller of this request made.
    static func entry(_ kind: String, _ claims: PlatformClaims, _ context: PalisadeRequestContext,
                      _ subject: [String: JSONValue]) -> Palisade_V1_AuditEntry {
        entry(tenant: claims.scope.tenantID, kind: kind, actor: claims.sub.value, requestID: context.requestID, subject: .object(subject))
    }

    /// Inside the change's transaction.
    static func stage(_ entry: Palisade_V1_AuditEntry, on connection: PostgresConnection, logger: Logger) async throws {
        let bytes = try entry.serializedBytes() as Data
        let tenantID = UUID(uuidString: entry.tenantID)
        try await connection.query("""
            INSERT INTO identity.audit_outbox (tenant_id, entry_id, record, request_id)
            VALUES (\(tenantID), \(entry.entryID), \(bytes), \(entry.requestID))
            ON CONFLICT DO NOTHING
            """, logger: logger)
    }

    /// After the commit. A failure is logged and left to the relay: the change itself stands.
    func publish(_ entries: [Palisade_V1_AuditEntry], scope: TenantScope, trace: RecordTrace, logger: Logger) async {
        guard !entries.isEmpty else { return }
        do {
            let records = try entries.map {
                KafkaRecord(topic: .audit, tenantID: $0.tenantID, protobuf: try $0.serializedBytes(), trace: trace)
            }
            _ = try await producer.send(records)
            let ids = entries.map(\.entryID)
            try await database.withTenant(scope, logger: logger) { connection in
                try await connection.query(
                    "UPDATE identity.audit_outbox SET published_at = now() WHERE entry_id = ANY(\(ids)) AND published_at IS NULL",
                    logger: logger
                )
            }
        } catch {
            logger.warning("identity audit entries left for the relay", metadata: ["count": "\(entries.count)", "error": "\(error)"])
        }
    }

    /// After a change committed: publishes the tenant's unpublished entries (the change's own
    /// among them). A failure is logged and left to the relay.
    func flush(tenant: UUID, trace: RecordTrace, logger: Logger) async {
        do {
            _ = try await publishPending(tenant: tenant, limit: 100, logger: logger)
        } catch {
            logger.warning("identity audit entries left for the relay", metadata: ["error": "\(error)"])
        }
    }

    /// Publishes up to `limit` unpublished entries of one tenant, oldest first.
    func publishPending(tenant: UUID, limit: Int, logger: Logger) async throws -> Int {
        let scope = TenantScope.service("gateway", tenantID: tenant)
        let pending = try await database.withTenant(scope, logger: logger) { connection in
            var entries: [(entry: Palisade_V1_AuditEntry, requestID: String)] = []
            let rows = try await connection.query("""
                SELECT record, request_id FROM identity.audit_outbox
                WHERE published_at IS NULL ORDER BY created_at LIMIT \(limit)
                """, logger: logger)
            for try await (record, requestID) in rows.decode((Data, String).self) {
                entries.append((try Palisade_V1_AuditEntry(serializedBytes: record), requestID))
            }
            return entries
        }
        for (entry, requestID) in pending {
            await publish([entry], scope: scope, trace: RecordTrace(requestID: requestID), logger: logger)
        }
        return pending.count
    }
}
