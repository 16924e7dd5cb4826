import Foundation
import Logging
import PalisadeKafka
import PalisadeStore
import PostgresNIO

/// Kafka records a service stages in its outbox table inside the transaction of the change
/// they describe, so a committed change always has its records; they are published after the
/// commit, and `relayOnce` publishes whatever a crash or a broker outage left behind. Readers
/// dedupe (the ledger appends an entry id once; versioned records carry revisions), so
/// publishing twice is harmless.
///
/// The table has the columns of `policy.outbox` and a SECURITY DEFINER function lists the
/// tenants with records pending for longer than a given number of seconds.
public struct TransactionalOutbox: Sendable {
    public struct Entry: Sendable {
        public var tenantID: UUID
        /// Unique within the tenant; staging the same id twice keeps the first.
        public var entryID: String
        public var topic: Topic
        public var record: [UInt8]
        public var requestID: String

        public init(tenantID: UUID, entryID: String, topic: Topic, record: [UInt8], requestID: String) {
            self.tenantID = tenantID
            self.entryID = entryID
            self.topic = topic
            self.record = record
            self.requestID = requestID
        }
    }

    public let database: Database
    public let producer: KafkaProducer
    /// Schema-qualified names fixed by the service (never request input): they are spliced into SQL.
    private let table: String
    private let pendingTenants: String
    private let service: String
    private let logger: Logger
    /// One flush per tenant at a time (shared by every copy of this outbox), so that a
    /// tenant's records are sent in the order they were staged.
    private let flushes = CoalescedRuns<UUID, Result<Int, any Error>>()

    public init(database: Database, producer: KafkaProducer, table: String, pendingTenantsFunction: String, service: String, logger: Logger) {
        precondition(Self.isQualifiedName(table) && Self.isQualifiedName(pendingTenantsFunction), "outbox names are schema.identifier")
        self.database = database
        self.producer = producer
        self.table = table
        self.pendingTenants = pendingTenantsFunction
        self.service = service
        self.logger = logger
    }

    /// Inside the change's transaction (its tenant's scope).
    public func stage(_ entries: [Entry], on connection: PostgresConnection, logger: Logger) async throws {
        for entry in entries {
            var binds = PostgresBindings()
            binds.append(entry.tenantID)
            binds.append(entry.entryID)
            binds.append(entry.topic.rawValue)
            try binds.append(Data(entry.record))
            try binds.append(entry.requestID)
            try await connection.query(PostgresQuery(unsafeSQL: """
                INSERT INTO \(table) (tenant_id, entry_id, topic, record, request_id) VALUES ($1, $2, $3, $4, $5)
                ON CONFLICT DO NOTHING
                """, binds: binds), logger: logger)
        }
    }

    /// After a change committed: publishes the tenant's pending records (the change's own among
    /// them). A failure is logged and left to the relay: the change itself stands.
    public func flush(tenant: UUID, logger: Logger) async {
        if case .failure(let error) = await publishInTurn(tenant: tenant, logger: logger) {
            logger.warning("outbox records left for the relay", metadata: ["tenant_id": "\(tenant)", "error": "\(error)"])
        }
    }

    /// Publishes the tenant's pending records once no other flush of the tenant is sending: a
    /// flush that overlapped another could send an older record after a newer one.
    private func publishInTurn(tenant: UUID, logger: Logger) async -> Result<Int, any Error> {
        await flushes.run(tenant) {
            do {
                return .success(try await publishPending(tenant: tenant, limit: 500, logger: logger))
            } catch {
                return .failure(error)
            }
        }
    }

    /// Publishes what requests left behind; run it under a `PeriodicService`. Records younger
    /// than ten seconds are still being published by their own request.
    public func relayOnce() async throws {
        var binds = PostgresBindings()
        // The function takes integers; a Swift Int would bind as bigint and match no function.
        try binds.append(Int32(10))
        try binds.append(Int32(100))
        let rows = try await database.client.query(
            PostgresQuery(unsafeSQL: "SELECT tenant_id FROM \(pendingTenants)($1, $2)", binds: binds), logger: logger
        )
        var tenants: [UUID] = []
        for try await tenant in rows.decode(UUID.self) { tenants.append(tenant) }
        for tenant in tenants {
            let count = try await publishInTurn(tenant: tenant, logger: logger).get()
            if count > 0 { logger.info("relayed outbox records", metadata: ["count": "\(count)", "tenant_id": "\(tenant)"]) }
        }
    }

    /// Publishes up to `limit` pending records of one tenant, oldest first, in one produce call.
    /// Callers go through `publishInTurn`.
    private func publishPending(tenant: UUID, limit: Int, logger: Logger) async throws -> Int {
        let scope = TenantScope.service(service, tenantID: tenant)
        let pending = try await database.withTenant(scope, logger: logger) { connection in
            var binds = PostgresBindings()
            try binds.append(limit)
            let rows = try await connection.query(PostgresQuery(unsafeSQL: """
                SELECT entry_id, topic, record, request_id FROM \(table)
                WHERE published_at IS NULL ORDER BY created_at, entry_id LIMIT $1
                """, binds: binds), logger: logger)
            var records: [(id: String, record: KafkaRecord)] = []
            for try await (id, topicName, record, requestID) in rows.decode((String, String, Data, String).self) {
                guard let topic = Topic(rawValue: topicName) else { continue }
                records.append((id, KafkaRecord(topic: topic, tenantID: tenant.uuidString.lowercased(), protobuf: [UInt8](record),
                                                trace: RecordTrace(requestID: requestID))))
            }
            return records
        }
        guard !pending.isEmpty else { return 0 }
        _ = try await producer.send(pending.map(\.record))
        let ids = pending.map(\.id)
        try await database.withTenant(scope, logger: logger) { connection in
            var binds = PostgresBindings()
            try binds.append(ids)
            try await connection.query(PostgresQuery(unsafeSQL: """
                UPDATE \(table) SET published_at = now() WHERE entry_id = ANY($1) AND published_at IS NULL
                """, binds: binds), logger: logger)
        }
        return pending.count
    }

    private static func isQualifiedName(_ name: String) -> Bool {
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 2 && parts.allSatisfy { part in
            !part.isEmpty && part.utf8.allSatisfy { $0 == UInt8(ascii: "_") || (97...122).contains($0) || (48...57).contains($0) }
        }
    }
}
