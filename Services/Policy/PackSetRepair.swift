import Foundation
import Logging
import Metrics
import PalisadeEvents
import PalisadeKafka
import PalisadePolicy
import PalisadeService
import PalisadeStore
import ServiceLifecycle
import Synchronization

/// Keeps the packs topic ending, for every tenant, with the set the database holds.
///
/// The topic is the only way gateways learn a tenant's set, and a set is published once, when
/// it changes. A gateway that finds no set for a tenant enforces none, so a topic that lost
/// records (recreated, or a new cluster) would leave newly started gateways enforcing nothing,
/// silently; and when two publications of a tenant land out of order, compaction keeps the
/// older one. So this service reads the topic continuously (`run`), keeping the last record
/// of each tenant, and `sweep` (every `PALISADE_POLICY_PACK_REPAIR_SECONDS`) publishes the
/// stored set again wherever that record is missing, older than the database's revision, or
/// not a set a gateway would take. Where the topic holds a later revision than the database
/// (the database restored from a backup), the stored revision is raised past it first:
/// gateways take only later revisions, so they would ignore every change until then.
final class PackSetRepair: Service, Sendable {
    /// What the topic's last record of a tenant is, against the database.
    enum Finding: String, Sendable {
        case missing, behind, unusable, ahead
    }

    private let consumer: KafkaConsumer
    private let store: PackStore
    private let producer: KafkaProducer
    private let outbox: TransactionalOutbox
    private let active: ActivePacks
    private let sealer: PackSigningKey?
    private let logger: Logger
    /// Which sets a gateway takes, as far as this service can tell: those its own key sealed.
    private let setTrust: PackSetTrust
    /// The revision of each tenant's last set on the topic; nil for a record no gateway takes.
    private let tail = Mutex(CompactedTopicTail<Int64?>())
    private static let pageSize: Int32 = 500

    init(consumer: KafkaConsumer, store: PackStore, producer: KafkaProducer, outbox: TransactionalOutbox, active: ActivePacks,
         sealer: PackSigningKey?, logger: Logger) {
        self.consumer = consumer
        self.store = store
        self.producer = producer
        self.outbox = outbox
        self.active = active
        self.sealer = sealer
        self.logger = logger
        setTrust = PackSetTrust(keys: TrustedPackKeys(sealer.map { [$0.verifyingKey] } ?? []), allowUnsealed: sealer == nil)
    }

    /// Reads the packs topic from its start for as long as the service runs.
    func run() async throws {
        let consumer = consumer
        try await withGracefulShutdownHandler {
            for try await batch in consumer.batches(maxCount: 500) {
                for message in batch { note(message) }
            }
        } onGracefulShutdown: {
            consumer.stop()
        }
        await consumer.close()
    }

    private func note(_ message: KafkaMessage) {
        let tenant = message.keyText.lowercased()
        var revision: Int64?
        if let set = try? Palisade_V1_PolicyPackSet(serializedBytes: message.value), set.tenantID == tenant,
           setTrust.refusal(message: set.sealMessage, seal: set.sealSignature) == nil {
            revision = set.revision
        }
        let replaced = tail.withLock { $0.note(key: tenant, partition: message.partition, offset: message.offset, value: revision) }
        if replaced { reportReplaced([message.partition]) }
    }

    /// Compares every tenant's stored revision with the topic's last record of it, and
    /// republishes where they differ. Runs only once everything the topic held at its start
    /// has been read: before that, a set not yet read would look lost.
    func sweep() async throws {
        let read = tail.withLock { $0.positions }
        var ends: [Int32: Int64] = [:]
        for partition in 0..<Topic.policyPacks.partitions {
            ends[partition] = try await consumer.highWatermark(topic: Topic.policyPacks.name, partition: partition)
        }
        let replaced = tail.withLock { $0.forgetReplaced(ends: ends, read: read) }
        if !replaced.isEmpty { reportReplaced(replaced) }
        guard try await readUp(to: ends) else {
            logger.warning("pack set repair put off: the packs topic is not read up to its end yet")
            return
        }

        var known = Set<UUID>()
        var after: UUID?
        while true {
            let page = try await store.revisions(after: after, limit: Self.pageSize, logger: logger)
            for (tenant, revision) in page {
                known.insert(tenant)
                if finding(tenant, stored: revision) != nil { await repair(tenant) }
            }
            guard page.count == Int(Self.pageSize), let last = page.last else { break }
            after = last.tenant
        }
        // Tenants the topic holds a set for and the database does not.
        let onTopicOnly = tail.withLock { Array($0.records.keys) }.compactMap(UUID.init(uuidString:)).filter { !known.contains($0) }
        for tenant in onTopicOnly where finding(tenant, stored: 0) != nil { await repair(tenant) }
        // What to alert on: sweeps put off or failing leave this behind.
        Gauge(label: "palisade_policy_pack_repair_completed_seconds").record(Date().timeIntervalSince1970)
    }

    /// Waits, up to half a minute, until the reader has read everything before `ends`.
    private func readUp(to ends: [Int32: Int64]) async throws -> Bool {
        let deadline = ContinuousClock.now + .seconds(30)
        while !tail.withLock({ $0.hasRead(upTo: ends) }) {
            guard ContinuousClock.now < deadline else { return false }
            try await Task.sleep(for: .milliseconds(100))
        }
        return true
    }

    /// Nil when the topic's last record of the tenant carries the stored revision (or the
    /// tenant has no set anywhere).
    func finding(_ tenant: UUID, stored: Int64) -> Finding? {
        Self.finding(stored: stored, last: topicRevision(tenant))
    }

    /// The revision of the topic's last record of the tenant: nil when it has none, and
    /// `.some(nil)` when that record is not a set a gateway takes.
    private func topicRevision(_ tenant: UUID) -> Int64?? {
        tail.withLock { $0.records[tenant.uuidString.lowercased()].map(\.value) }
    }

    /// `last` is nil when the topic has no record of the tenant, and `.some(nil)` when its
    /// last record is not a set a gateway takes.
    static func finding(stored: Int64, last: Int64??) -> Finding? {
        guard let last else { return stored > 0 ? .missing : nil }
        guard let revision = last else { return stored > 0 ? .unusable : nil }
        if revision < stored { return .behind }
        if revision > stored { return .ahead }
        return nil
    }

    /// What to do about a finding. A topic revision no later one can follow (a forged record,
    /// in development without seals) is left: raising past it would overflow.
    static func republication(_ finding: Finding?, topicRevision: Int64?) -> PackStore.Republication {
        switch finding {
        case nil:
            return .leave
        case .missing, .behind, .unusable:
            return .asStored
        case .ahead:
            guard let topicRevision, topicRevision < .max else { return .leave }
            return .raised(to: topicRevision + 1)
        }
    }

    /// Publishes the tenant's stored set again, deciding anew under the set's row lock (the
    /// topic may have caught up meanwhile). One tenant failing is logged; the next sweep tries
    /// it again.
    private func repair(_ tenant: UUID) async {
        let scope = TenantScope.service("policy", tenantID: tenant)
        let requestID = "pack-set-repair-\(UUID().uuidString.lowercased())"
        do {
            let outcome = try await store.republish(scope: scope, logger: logger) { stored in
                let last = self.topicRevision(tenant)
                return Self.republication(Self.finding(stored: stored, last: last), topicRevision: last ?? nil)
            } publish: { stored, revision, active, connection in
                let last = self.topicRevision(tenant)
                let finding = revision > stored ? Finding.ahead : Self.finding(stored: stored, last: last) ?? .behind
                let topicRevision = last ?? nil
                var subject: [String: JSONValue] = ["revision": .integer(revision), "finding": .string(finding.rawValue)]
                if let topicRevision { subject["topic_revision"] = .integer(topicRevision) }
                if revision != stored { subject["stored_revision"] = .integer(stored) }
                try await self.outbox.stage([try PolicyRecords.audit("policy.pack_set_republished", scope: scope, requestID: requestID,
                                                                     subject: subject)], on: connection, logger: self.logger)
                let set = try PolicyRecords.packSet(tenant: tenant, revision: revision, active: active, sealer: self.sealer,
                                                    requestID: requestID)
                // Sent before the lock is released: a later change of the set lands after it.
                _ = try await self.producer.send(KafkaRecord(topic: .policyPacks, tenantID: tenant.uuidString.lowercased(),
                                                             protobuf: set.record, trace: RecordTrace(requestID: requestID)))
                Counter(label: "palisade_policy_pack_sets_republished_total", dimensions: [("finding", finding.rawValue)]).increment()
                self.logger.log(level: finding == .ahead ? .error : .warning, "pack set published again", metadata: [
                    "tenant_id": "\(tenant)", "revision": "\(revision)", "finding": "\(finding.rawValue)",
                    "topic_revision": "\(topicRevision.map(String.init) ?? "none")",
                ])
            }
            guard let outcome else { return }
            active.install(tenant, revision: outcome.revision, active: outcome.active)
            await outbox.flush(tenant: tenant, logger: logger)
        } catch {
            logger.warning("pack set not published again; the next sweep tries again", metadata: [
                "tenant_id": "\(tenant)", "error": "\(error)",
            ])
        }
    }

    private func reportReplaced(_ partitions: [Int32]) {
        Counter(label: "palisade_policy_pack_topic_replacements_total").increment(by: partitions.count)
        logger.warning("the packs topic's log was replaced; what was read of it is forgotten and read again",
                       metadata: ["partitions": "\(partitions)"])
    }
}
