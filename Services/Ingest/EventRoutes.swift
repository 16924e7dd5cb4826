import Foundation
import Hummingbird
import PalisadeAuth
import PalisadeEvents
import PalisadeKafka
import PalisadeService

/// `POST /v1/events` (batches of up to 1,000, JSON array or NDJSON) and `GET /v1/events`.
struct EventRoutes: Sendable {
    let producer: KafkaProducer
    let store: EventStore

    static let bodyLimit = 4 * 1024 * 1024
    static let mediaTypes = ["application/json", "application/x-ndjson"]

    struct Accepted: Encodable {
        var accepted: [String]
        var count: Int
    }

    func register(on router: Router<PalisadeRequestContext>, registry: RouteRegistry) {
        router.route(.post, "/v1/events", registry: registry) { request, context in
            try await accept(request, context: context)
        }
        router.route(.get, "/v1/events", registry: registry) { request, context in
            let claims = try context.requireClaims(Capability.eventsRead)
            let query = try EventQuery(request.uri.queryParameters)
            let page = try await store.list(query, scope: claims.scope, logger: context.logger)
            return Response(
                status: .ok,
                headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: page.json))
            )
        }
    }

    /// 202 only after the broker acknowledged every event; otherwise nothing is claimed.
    private func accept(_ request: Request, context: PalisadeRequestContext) async throws -> Response {
        let claims = try context.requireClaims(Capability.eventsWrite)
        let media = try MessageBody.requireMediaType(request, accepted: Self.mediaTypes)
        let body = try await MessageBody.collect(request, limit: Self.bodyLimit)
        let origin = EventOrigin(tenantID: claims.tenantID, requestID: context.requestID, receivedAt: Date())
        let format: EventBatchFormat = media == "application/x-ndjson" ? .ndjson : .json
        let events: [ValidatedEvent]
        switch EventBatch.parse(body, format: format, origin: origin) {
        case .success(let parsed):
            events = parsed
        case .failure(.malformed(let line, let reason)):
            var problem = Problem.malformed(reason)
            if let line { problem.errors = [ProblemField(index: line, field: "", reason: "not valid JSON")] }
            throw problem
        case .failure(.tooMany(let count)):
            throw Problem(.contentTooLarge, slug: "batch-too-large", title: "Batch too large",
                          detail: "the batch holds \(count) or more events; at most \(EventBatch.maximumCount) are accepted at once")
        case .failure(.invalid(let violations)):
            let events = Set(violations.compactMap(\.index)).count
            throw Problem.invalid(
                "\(violations.count) problem(s) in \(max(events, 1)) event(s); nothing in the batch was accepted",
                errors: violations.map { ProblemField(index: $0.index, field: $0.field, reason: $0.reason) }
            )
        }
        let records = try events.map { event in
            try EventRecords.record(for: event, tenantID: claims.tenantID, trace: context.trace)
        }
        do {
            _ = try await producer.send(records)
        } catch {
            context.logger.error("events not acknowledged by the broker", metadata: ["error": "\(error)", "count": "\(records.count)"])
            throw Problem.unavailable(
                "the broker did not acknowledge every event, so the batch is not accepted; "
                    + "retry it whole (event ids make the retry safe)"
            )
        }
        return try MessageBody.json(Accepted(accepted: events.map(\.eventID), count: events.count), status: .accepted)
    }
}

/// Turns validated events into Kafka records for their topics, keyed by tenant.
enum EventRecords {
    static func record(for event: ValidatedEvent, tenantID: String, trace: RecordTrace) throws -> KafkaRecord {
        let topic: Topic = switch event {
        case .runtime: .runtime
        case .change: .change
        }
        return KafkaRecord(topic: topic, tenantID: tenantID, protobuf: try event.serialized(), trace: trace)
    }
}
