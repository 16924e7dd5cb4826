import Foundation
import Logging
import PalisadeKafka
import Testing

/// Incident events become signed webhooks: retried on 503, delivered once, dead-lettered when
/// the budget runs out; signatures checked by the `standardwebhooks` package.
@Suite(.serialized) final class AlertDeliveryTests {
    let environment: TestEnvironment
    let stack: ServiceStack

    init() async throws {
        environment = try TestEnvironment.load()
        stack = try await ServiceStack(["ingest", "policy", "incidents", "alerts"], environment: environment, extra: [
            "PALISADE_ALERT_MAX_ATTEMPTS": "4", "PALISADE_ALERT_BACKOFF_MS": "100", "PALISADE_ALERT_MAX_BACKOFF_SECONDS": "1",
        ])
    }

    func send(_ method: String, _ path: String, token: String, json: [String: Any]? = nil) async throws -> HTTP.Answer {
        let body = try json.map { try JSONSerialization.data(withJSONObject: $0) }
        return try await HTTP.send(.init(rawValue: method), stack.gatewayURL + path, token: token,
                                   contentType: body == nil ? nil : "application/json", body: body)
    }

    /// A tenant with a latency rule and one webhook channel to `receiver`.
    func tenant(receiver: WebhookReceiver) async throws -> String {
        let token = try await environment.token(tenant: UUID())
        let rule = try await send("POST", "/v1/policy-rules", token: token, json: [
            "name": "slow", "field": "latency_ms", "operator": "gte", "value": 1000, "severity": "high",
        ])
        #expect(rule.status == 201)
        let channel = try await send("POST", "/v1/alert-channels", token: token, json: [
            "name": "on-call", "url": receiver.url, "secret": receiver.secret, "min_severity": "medium",
        ])
        #expect(channel.status == 201, "channel refused: \(channel.text)")
        #expect(channel.json["secret"] as? String == receiver.secret)
        let listed = try await send("GET", "/v1/alert-channels", token: token)
        #expect((listed.json["channels"] as? [[String: Any]])?.first?["secret"] == nil)
        return token
    }

    func deliveries(token: String) async throws -> [[String: Any]] {
        try await send("GET", "/v1/deliveries", token: token).json["deliveries"] as? [[String: Any]] ?? []
    }

    @Test func aReceiverThatFailsTwiceGetsTheAlertOnceSigned() async throws {
        let receiver = try await WebhookReceiver(environment: environment, failFirst: 2)
        let token = try await tenant(receiver: receiver)
        #expect(try await EventsEndToEndTests.post([runtimeEvent("evt-alert-1")], token: token, to: stack.gatewayURL).status == 202)

        try await poll(timeout: .seconds(60), what: "an accepted webhook") {
            try receiver.received().contains { $0.answered == 204 }
        }
        let opened = try receiver.received()
        #expect(opened.count == 3)
        #expect(opened.allSatisfy { $0.verified })
        #expect(Set(opened.map(\.id)).count == 1)
        let alert = try #require(opened.last?.body)
        #expect(alert["type"] as? String == "incident.opened")
        #expect(alert["severity"] as? String == "high")
        let incidentID = try #require(alert["incident_id"] as? String)
        #expect((alert["links"] as? [String: Any])?["incident_url"] as? String != nil)

        let delivery = try #require(try await deliveries(token: token).first)
        #expect(delivery["status"] as? String == "delivered")
        #expect((delivery["attempts"] as? [[String: Any]])?.map { $0["status_code"] as? Int } == [503, 503, 204])

        // Resolving alerts too; by the time it arrives the opened alert has had every chance
        // to be sent again, and was not.
        #expect(try await send("POST", "/v1/incidents/\(incidentID)/resolve", token: token).status == 200)
        try await poll(timeout: .seconds(60), what: "the resolved alert") {
            try receiver.received().contains { $0.body["type"] as? String == "incident.resolved" }
        }
        let all = try receiver.received()
        #expect(all.filter { $0.answered == 204 }.count == 2)
        #expect(all.allSatisfy { $0.verified })
        receiver.stop()
        try await stack.stop()
    }

    @Test func aReceiverThatAlwaysFailsEndsInTheDeadLetterTopic() async throws {
        let receiver = try await WebhookReceiver(environment: environment, alwaysFail: true)
        let token = try await tenant(receiver: receiver)
        #expect(try await EventsEndToEndTests.post([runtimeEvent("evt-alert-dead")], token: token, to: stack.gatewayURL).status == 202)

        var delivery: [String: Any] = [:]
        try await poll(timeout: .seconds(60), what: "the delivery given up") {
            delivery = try await deliveries(token: token).first ?? [:]
            return delivery["status"] as? String == "failed"
        }
        #expect((delivery["attempts"] as? [[String: Any]])?.count == 4)
        #expect(try receiver.received().count == 4)
        let deliveryID = try #require(delivery["delivery_id"] as? String)
        #expect(try await deadLetterHeaders(deliveryID: deliveryID)?.text(KafkaHeaderName.error) == "HTTP 503")
        receiver.stop()
        try await stack.stop()
    }

    /// Reads the incidents dead-letter topic from the start until the record of `deliveryID`.
    func deadLetterHeaders(deliveryID: String) async throws -> [KafkaHeader]? {
        try await environment.firstRecord(on: Topic.incidents.deadLetterName) { message in
            message.headers.text("delivery-id") == deliveryID ? message.headers : nil
        }
    }
}
