import Foundation
import Logging
import Metrics
import PalisadeDelivery
import PalisadeKafka

/// incident events and audit entries → each tenant's Splunk HEC destinations, in batches.
/// A batch's offsets are stored only after every destination accepted its records (or they
/// were dead-lettered after the retry budget); records a destination already accepted are
/// not sent to it again.
struct HECForwarding: Sendable {
    static let maxEventsPerRequest = 100

    let destinations: DestinationStore
    let producer: KafkaProducer
    let retry: RetryPolicy
    let logger: Logger

    func handle(_ batch: [KafkaMessage]) async throws {
        var recordsByTenant: [UUID: [SiemRecord]] = [:]
        var order: [UUID] = []
        for message in batch {
            let tenantID = try message.tenantID()
            guard let record = try SiemRecord(message) else { continue }
            if recordsByTenant[tenantID] == nil { order.append(tenantID) }
            recordsByTenant[tenantID, default: []].append(record)
        }
        for tenantID in order {
            let records = recordsByTenant[tenantID] ?? []
            let targets = try await destinations.list(scope: .service("siem", tenantID: tenantID), logger: logger)
            for destination in targets {
                let done = try await destinations.alreadyForwarded(records.map(\.recordID), destinationID: destination.destinationID,
                                                                   tenantID: tenantID, logger: logger)
                let pending = records.filter { !done.contains($0.recordID) }
                var start = 0
                while start < pending.count {
                    let chunk = Array(pending[start..<min(start + Self.maxEventsPerRequest, pending.count)])
                    try await forward(chunk, to: destination, tenantID: tenantID)
                    start += chunk.count
                }
            }
        }
    }

    private func forward(_ records: [SiemRecord], to destination: Destination, tenantID: UUID) async throws {
        var body: [UInt8] = []
        for record in records {
            body += record.hecEvent(for: destination)
            body.append(UInt8(ascii: "\n"))
        }
        let headers = [("Authorization", "Splunk \(destination.token)"), ("Content-Type", "application/json"), ("User-Agent", "palisade-siem")]
        let metadata: Logger.Metadata = ["tenant_id": "\(tenantID)", "destination_id": "\(destination.destinationID)", "events": "\(records.count)"]
        let url = destination.url
        let timeout = retry.attemptTimeout
        _ = try await retry.deliver {
            await DeliveryAttempt.post(url, headers: headers, body: body, timeout: timeout)
        } record: { attempt, number, verdict in
            let error = attempt.error ?? ""
            switch verdict {
            case .delivered:
                try await destinations.markForwarded(records.map(\.recordID), destinationID: destination.destinationID,
                                                     tenantID: tenantID, logger: logger)
                Counter(label: "palisade_siem_forwarded_total", dimensions: [("type", "splunk_hec")]).increment(by: records.count)
                logger.debug("records forwarded", metadata: metadata)
            case .gaveUp:
                try await deadLetter(records, destination: destination, reason: attempt.error ?? "failed")
                Counter(label: "palisade_siem_dead_lettered_total").increment(by: records.count)
                logger.error("siem batch given up; dead-lettered", metadata: metadata.merging(["attempts": "\(number)", "error": "\(error)"]) { $1 })
            case .retrying(let wait):
                logger.warning("siem attempt failed; retrying", metadata: metadata.merging([
                    "attempt": "\(number)", "error": "\(error)", "retry_in_ms": "\(wait.wholeMilliseconds)",
                ]) { $1 })
            }
        }
    }

    private func deadLetter(_ records: [SiemRecord], destination: Destination, reason: String) async throws {
        let context = [KafkaHeader(name: "destination-id", text: destination.destinationID.uuidString.lowercased())]
        _ = try await producer.send(records.map { KafkaRecord(deadLetterOf: $0.message, reason: reason, context: context) })
    }
}
