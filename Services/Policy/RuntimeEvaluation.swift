import Crypto
import Foundation
import Logging
import Metrics
import PalisadeEvents
import PalisadeAuth
import PalisadeKafka
import PalisadePolicy
import PalisadeRules
import PalisadeStore
import SwiftProtobuf

/// runtime events → the tenant's threshold rules and the triggers of its active packs →
/// policy results (and their audit entries). A shadow pack's trigger that fires goes to the
/// ledger only, as what would have happened: nothing downstream (incidents, alerts) acts on it.
///
/// Results are produced before the batch's offsets are committed, and their ids are derived
/// from (rule, event) or (trigger, route, minute), so a redelivered batch re-produces the same
/// results and consumers downstream dedupe them.
struct RuntimeEvaluation: Sendable {
    let rules: RuleStore
    let packs: ActivePacks
    let monitor: TriggerMonitor
    let windows: TriggerWindowStore
    /// A saved route with no event for this long leaves memory (it loads again with its next event).
    let idleRoutes: Duration
    let producer: KafkaProducer
    let logger: Logger

    private struct Received {
        var event: Palisade_V1_RuntimeEvent
        var trace: RecordTrace
        var position: StreamPosition
        var partitionEnd: Int64?
    }

    func handle(_ batch: [KafkaMessage]) async throws {
        var eventsByTenant: [UUID: [Received]] = [:]
        for message in batch {
            let tenantID = try message.tenantID()
            guard let event = try? Palisade_V1_RuntimeEvent(serializedBytes: message.value),
                  event.tenantID == message.keyText.lowercased() else {
                throw PoisonRecord("payload is not a runtime event of the key's tenant")
            }
            eventsByTenant[tenantID, default: []].append(
                Received(event: event, trace: RecordTrace(of: message), position: StreamPosition(partition: message.partition, offset: message.offset),
                         partitionEnd: message.highWatermark)
            )
        }
        var records: [KafkaRecord] = []
        // Applied only once the batch's results are on the broker: a batch handled again
        // after a failure finds the windows as they were.
        var updates: [TriggerUpdate] = []
        let now = Date()
        for (tenantID, received) in eventsByTenant {
            let scope = TenantScope.service("policy", tenantID: tenantID)
            let tenantRules = try await rules.list(scope: scope, logger: logger)
            if !tenantRules.isEmpty {
                let evaluator = RuleEvaluator(rules: tenantRules)
                for item in received {
                    for result in evaluator.results(for: item.event, evaluatedAt: now) {
                        records += try Self.records(for: result, trace: item.trace)
                    }
                }
            }
            let set = try await packs.set(for: scope, logger: logger)
            guard set.packs.contains(where: { !$0.compiled.pack.triggers.isEmpty }) else { continue }
            let tenant = tenantID.uuidString.lowercased()
            let unloaded = monitor.unloaded(tenant: tenant, routes: Set(received.map(\.event.routeID)))
            if !unloaded.isEmpty {
                monitor.load(tenant: tenant, routes: unloaded, checkpoints: try await windows.load(unloaded, scope: scope, logger: logger))
            }
            let update = monitor.evaluate(tenant: tenant, events: received.map { item in
                TriggerEvent(route: item.event.routeID, date: item.event.timestamp.date, latencyMs: item.event.latencyMs,
                             isError: RouteActivity.isError(type: item.event.type), cost: item.event.cost, position: item.position,
                             partitionEnd: item.partitionEnd)
            }, packs: set)
            if !update.replacedLogRoutes.isEmpty {
                Counter(label: "palisade_policy_trigger_log_replacements_total").increment(by: update.replacedLogRoutes.count)
                logger.warning("trigger windows had counted offsets the runtime topic does not have (recreated topic or new cluster); counting on in a new log generation",
                               metadata: ["tenant": "\(tenant)", "routes": "\(update.replacedLogRoutes.joined(separator: ","))"])
            }
            for firing in update.firings {
                let item = received[firing.eventIndex]
                let result = Self.result(firing, event: item.event, evaluatedAt: now)
                if firing.isShadow {
                    records.append(try Self.shadowRecord(for: result, wouldTake: firing.trigger.action, trace: item.trace))
                } else {
                    records += try Self.records(for: result, trace: item.trace)
                }
            }
            updates.append(update)
        }
        if !records.isEmpty {
            _ = try await producer.send(records)
            logger.debug("policy results produced", metadata: ["records": "\(records.count)"])
        }
        for update in updates { monitor.apply(update) }
    }

    /// Saves the windows changed since the last checkpoint, a transaction per tenant; what
    /// could not be saved stays changed for the next one. Once all is saved, the routes idle for
    /// `idleRoutes` leave memory.
    func saveWindows() async throws {
        let changed = Dictionary(grouping: monitor.changedStates(), by: \.0.tenant)
        var pending = Array(changed.keys)
        while let tenant = pending.popLast() {
            let states = changed[tenant] ?? []
            do {
                guard let tenantID = UUID(uuidString: tenant) else { continue }
                try await windows.save(states.map { ($0.0.route, $0.1) }, scope: .service("policy", tenantID: tenantID), logger: logger)
            } catch {
                monitor.unsaved((states + pending.flatMap { changed[$0] ?? [] }).map(\.0))
                throw error
            }
        }
        let evicted = monitor.evict(idleSince: .now - idleRoutes)
        if evicted > 0 {
            Counter(label: "palisade_policy_trigger_routes_evicted_total").increment(by: evicted)
            logger.debug("idle trigger routes left memory", metadata: ["routes": "\(evicted)"])
        }
        Gauge(label: "palisade_policy_trigger_routes").record(monitor.routeCount)
    }

    /// A trigger's result: one stream per (pack, trigger) for correlation, an id per (trigger, route, minute).
    static func result(_ firing: TriggerFiring, event: Palisade_V1_RuntimeEvent, evaluatedAt: Date) -> Palisade_V1_PolicyResult {
        var result = Palisade_V1_PolicyResult()
        result.tenantID = event.tenantID
        let digest = SHA256.hash(data: Data("\(event.tenantID)\u{0}\(firing.packID)\u{0}\(firing.trigger.triggerID)\u{0}\(firing.routeID)\u{0}\(firing.minute)".utf8))
        result.resultID = "pr_" + Hex.encode(digest.prefix(16))
        result.policyID = "\(firing.packID)/\(firing.trigger.triggerID)"
        result.verdict = "violation"
        result.ruleMatched = firing.trigger.triggerID
        result.confidence = 1.0
        result.actionTaken = firing.isShadow ? "none" : firing.trigger.action
        result.timestamp = Google_Protobuf_Timestamp(date: evaluatedAt)
        result.routeID = firing.routeID
        result.eventID = event.eventID
        result.requestID = event.requestID
        result.severity = firing.trigger.severity.rawValue
        result.condition = firing.trigger.conditionText
        var observed: [String: JSONValue] = [
            "value": .number(firing.value), "events": .integer(Int64(firing.events)), "pack_version": .string(firing.packVersion),
        ]
        if let baseline = firing.baseline { observed["trailing_day"] = .number(baseline) }
        result.observed = String(decoding: JSONValue.object(observed).canonicalJSON(), as: UTF8.self)
        return result
    }

    /// A shadow trigger's result, for the audit ledger only: `mode` shadow and the action the
    /// trigger would have taken.
    static func shadowRecord(for result: Palisade_V1_PolicyResult, wouldTake action: String, trace: RecordTrace) throws -> KafkaRecord {
        var subject = result.jsonValue
        if case .object(var fields) = subject {
            fields["mode"] = .string("shadow")
            fields["would_take"] = .string(action)
            subject = .object(fields)
        }
        return try auditRecord(for: result, subject: subject, trace: trace)
    }

    /// The result on the policy-results topic, and the same fact for the audit ledger.
    static func records(for result: Palisade_V1_PolicyResult, trace: RecordTrace) throws -> [KafkaRecord] {
        [
            KafkaRecord(topic: .policyResults, tenantID: result.tenantID, protobuf: try result.serializedBytes(), trace: trace),
            try auditRecord(for: result, subject: result.jsonValue, trace: trace),
        ]
    }

    private static func auditRecord(for result: Palisade_V1_PolicyResult, subject: JSONValue, trace: RecordTrace) throws -> KafkaRecord {
        let entry = Palisade_V1_AuditEntry(
            tenantID: result.tenantID, entryID: result.resultID, kind: "policy.result", actor: "service:policy",
            occurredAt: result.timestamp.date, requestID: result.requestID, subject: subject
        )
        return KafkaRecord(topic: .audit, tenantID: result.tenantID, protobuf: try entry.serializedBytes(), trace: trace)
    }
}
