import Foundation
import Logging
import Metrics
import PalisadeEvents
import PalisadeKafka
import ServiceLifecycle
import Synchronization

/// Sends the gateway's decisions to the decisions and audit topics off the request path: a
/// call only appends to a bounded buffer; this service drains it in batches and retries what
/// the broker refused. On shutdown the buffer is drained before the producer closes. When the
/// buffer is full (a long broker outage) the newest decisions are dropped and counted.
final class DecisionPublisher: Service, Sendable {
    private let producer: KafkaProducer
    private let logger: Logger
    private let capacity: Int
    private let buffer = Mutex<[(Palisade_V1_Decision, RecordTrace)]>([])
    private let wakeups: AsyncStream<Void>
    private let wake: AsyncStream<Void>.Continuation
    private let dropped = Counter(label: "palisade_gateway_decisions_dropped_total")
    private let published = Counter(label: "palisade_gateway_decisions_published_total")

    init(producer: KafkaProducer, logger: Logger, capacity: Int = 50_000) {
        self.producer = producer
        self.logger = logger
        self.capacity = capacity
        (wakeups, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Queues a decision; never waits.
    func record(_ decision: Palisade_V1_Decision, trace: RecordTrace) {
        let accepted = buffer.withLock { buffer -> Bool in
            guard buffer.count < capacity else { return false }
            buffer.append((decision, trace))
            return true
        }
        if accepted { wake.yield() } else { dropped.increment() }
    }

    func run() async throws {
        await withGracefulShutdownHandler {
            for await _ in wakeups { await drain() }
        } onGracefulShutdown: {
            self.wake.finish()
        }
        await drain()
    }

    /// Publishes everything buffered, in batches of up to 500 decisions.
    private func drain() async {
        while true {
            let batch = buffer.withLock { buffer -> [(Palisade_V1_Decision, RecordTrace)] in
                let taken = Array(buffer.prefix(500))
                buffer.removeFirst(taken.count)
                return taken
            }
            guard !batch.isEmpty else { return }
            await publish(batch)
        }
    }

    private func publish(_ batch: [(Palisade_V1_Decision, RecordTrace)]) async {
        var records: [KafkaRecord] = []
        for (decision, trace) in batch {
            guard let decisionBytes = try? decision.serializedBytes() as [UInt8],
                  let auditBytes = try? Self.auditEntry(decision).serializedBytes() as [UInt8] else { continue }
            records.append(KafkaRecord(topic: .decisions, tenantID: decision.tenantID, protobuf: decisionBytes, trace: trace))
            records.append(KafkaRecord(topic: .audit, tenantID: decision.tenantID, protobuf: auditBytes, trace: trace))
        }
        var delay = Duration.milliseconds(100)
        for attempt in 1...8 {
            do {
                _ = try await producer.send(records)
                published.increment(by: batch.count)
                return
            } catch {
                logger.warning("decisions not published yet", metadata: ["count": "\(batch.count)", "attempt": "\(attempt)", "error": "\(error)"])
                try? await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(5))
            }
        }
        logger.error("decisions dropped after retries", metadata: ["count": "\(batch.count)"])
        dropped.increment(by: batch.count)
    }

    /// The ledger's copy: the decision without anything the call said.
    static func auditEntry(_ decision: Palisade_V1_Decision) -> Palisade_V1_AuditEntry {
        var findings: [JSONValue] = []
        for finding in decision.findings {
            findings.append(.object([
                "detector": .string(finding.detector), "class": .string(finding.category), "stage": .string(finding.stage),
                "count": .integer(Int64(finding.count)), "confidence": .number(finding.confidence),
            ]))
        }
        return Palisade_V1_AuditEntry(
            tenantID: decision.tenantID, entryID: decision.decisionID, kind: "gateway.decision", actor: decision.subject,
            occurredAt: decision.occurredAt.date, requestID: decision.requestID,
            subject: .object([
                "decision": .string(decision.decision), "reason": .string(decision.reason), "route_id": .string(decision.routeID),
                "provider": .string(decision.provider), "model": .string(decision.model), "streamed": .bool(decision.streamed),
                "bypassed": .bool(decision.bypassed), "upstream_status": .integer(Int64(decision.upstreamStatus)),
                "findings": .array(findings),
            ])
        )
    }
}
