import Foundation
import Logging
import Metrics
import PalisadeDelivery
import PalisadeEvents
import PalisadeKafka

/// incident events → the tenant's webhook channels, signed, retried within a budget, each
/// (channel, incident event) delivered at most once even when the consumer restarts; what
/// exhausts its budget goes to the incidents dead-letter topic.
struct WebhookDispatch: Sendable {
    let channels: ChannelStore
    let deliveries: DeliveryStore
    let producer: KafkaProducer
    let retry: RetryPolicy
    let publicURL: String
    let logger: Logger

    func handle(_ batch: [KafkaMessage]) async throws {
        var channelsByTenant: [UUID: [Channel]] = [:]
        for message in batch {
            let tenantID = try message.tenantID()
            guard let event = try? Palisade_V1_IncidentEvent(serializedBytes: message.value),
                  event.tenantID == message.keyText.lowercased(), !event.incidentEventID.isEmpty else {
                throw PoisonRecord("payload is not an incident event of the key's tenant")
            }
            guard AlertPayload.isAlertable(event), let severity = Severity(rawValue: event.severity) else { continue }
            if channelsByTenant[tenantID] == nil {
                channelsByTenant[tenantID] = try await channels.list(scope: .service("alerts", tenantID: tenantID), logger: logger)
            }
            for channel in channelsByTenant[tenantID] ?? [] where channel.accepts(severity) {
                try await deliver(event, to: channel, tenantID: tenantID, message: message)
            }
        }
    }

    private func deliver(_ event: Palisade_V1_IncidentEvent, to channel: Channel, tenantID: UUID, message: KafkaMessage) async throws {
        let claim = try await deliveries.claim(channelID: channel.channelID, incidentEventID: event.incidentEventID,
                                               incidentID: event.incidentID, tenantID: tenantID, logger: logger)
        guard claim.status == "pending" else { return }
        guard let signer = WebhookSigner(secret: channel.secret) else {
            throw PoisonRecord("channel \(channel.channelID) has an unusable secret")
        }
        let body = AlertPayload.body(for: event, alertID: claim.deliveryID, publicURL: publicURL)
        let metadata: Logger.Metadata = [
            "tenant_id": "\(tenantID)", "channel_id": "\(channel.channelID)", "delivery_id": "\(claim.deliveryID)",
            "incident_event_id": "\(event.incidentEventID)", "request_id": "\(event.requestID)",
        ]
        let url = channel.url
        let timeout = retry.attemptTimeout
        let incidentEventID = event.incidentEventID
        _ = try await retry.deliver(previousAttempts: claim.attempts) {
            var headers = signer.headers(id: incidentEventID, timestamp: Date(), body: body)
            headers.append(("Content-Type", "application/json"))
            headers.append(("User-Agent", "palisade-alerts"))
            return await DeliveryAttempt.post(url, headers: headers, body: body, timeout: timeout)
        } record: { attempt, number, verdict in
            let error = attempt.error ?? ""
            switch verdict {
            case .delivered:
                try await deliveries.record(attempt, number: number, deliveryID: claim.deliveryID, tenantID: tenantID,
                                            finalStatus: "delivered", logger: logger)
                Counter(label: "palisade_alerts_delivered_total").increment()
                logger.info("alert delivered", metadata: metadata.merging(["attempts": "\(number)"]) { $1 })
            case .gaveUp:
                // Dead-lettered before the failure is recorded: a crash in between retries the
                // delivery rather than losing it.
                try await deadLetter(message, channel: channel, deliveryID: claim.deliveryID, reason: attempt.error ?? "failed")
                try await deliveries.record(attempt, number: number, deliveryID: claim.deliveryID, tenantID: tenantID,
                                            finalStatus: "failed", logger: logger)
                Counter(label: "palisade_alerts_failed_total").increment()
                logger.error("alert given up; dead-lettered", metadata: metadata.merging(["attempts": "\(number)", "error": "\(error)"]) { $1 })
            case .retrying(let wait):
                try await deliveries.record(attempt, number: number, deliveryID: claim.deliveryID, tenantID: tenantID,
                                            finalStatus: nil, logger: logger)
                logger.warning("alert attempt failed; retrying", metadata: metadata.merging([
                    "attempt": "\(number)", "error": "\(error)", "retry_in_ms": "\(wait.wholeMilliseconds)",
                ]) { $1 })
            }
        }
    }

    private func deadLetter(_ message: KafkaMessage, channel: Channel, deliveryID: UUID, reason: String) async throws {
        _ = try await producer.send([KafkaRecord(deadLetterOf: message, reason: reason, context: [
            KafkaHeader(name: "channel-id", text: channel.channelID.uuidString.lowercased()),
            KafkaHeader(name: "delivery-id", text: deliveryID.uuidString.lowercased()),
        ])])
    }
}
