import Foundation
import Logging
import PalisadeEvents
import PalisadeKafka
import PalisadeService
import PalisadeStore
import PostgresNIO
import SwiftProtobuf

/// The `events` schema: idempotent inserts from the consumer, paged reads for the API.
struct EventStore: Sendable {
    let database: Database

    /// Stores a batch of runtime/change records, one transaction per tenant. A record seen
    /// before (same tenant and event id) is skipped, so redelivery is harmless.
    func persist(_ batch: [KafkaMessage]) async throws {
        var rowsByTenant: [UUID: EventRows] = [:]
        for message in batch {
            let row = try EventRow(message)
            rowsByTenant[row.tenantID, default: EventRows()].append(row)
        }
        for (tenantID, rows) in rowsByTenant {
            try await database.withTenant(.service("ingest", tenantID: tenantID)) { connection in
                try await connection.query("""
                    INSERT INTO events.events
                        (tenant_id, event_id, kind, type, route_id, provider, model, occurred_at, received_at, request_id, body)
                    SELECT \(tenantID), e.event_id, e.kind, e.type, nullif(e.route_id, ''), nullif(e.provider, ''),
                           nullif(e.model, ''), e.occurred_at::timestamptz, e.received_at::timestamptz,
                           nullif(e.request_id, ''), e.body::jsonb
                    FROM unnest(\(rows.eventIDs)::text[], \(rows.kinds)::text[], \(rows.types)::text[],
                                \(rows.routeIDs)::text[], \(rows.providers)::text[], \(rows.models)::text[],
                                \(rows.occurredAt)::text[], \(rows.receivedAt)::text[], \(rows.requestIDs)::text[],
                                \(rows.bodies)::text[])
                        AS e(event_id, kind, type, route_id, provider, model, occurred_at, received_at, request_id, body)
                    ON CONFLICT (tenant_id, event_id) DO NOTHING
                    """, logger: Logger(label: "palisade-ingest.store"))
            }
        }
    }

    struct Page {
        /// `{"events":[...],"next_cursor":...}`, assembled from the stored JSON bodies.
        var json: String
    }

    func list(_ query: EventQuery, scope: TenantScope, logger: Logger) async throws -> Page {
        let fetch = query.limit + 1
        let rows = try await database.withTenant(scope, logger: logger) { connection in
            let result = try await connection.query("""
                SELECT body::text, to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), event_id
                FROM events.events
                WHERE (\(query.routeID)::text IS NULL OR route_id = \(query.routeID))
                  AND (\(query.type)::text IS NULL OR type = \(query.type))
                  AND (\(query.since)::timestamptz IS NULL OR occurred_at >= \(query.since)::timestamptz)
                  AND (\(query.until)::timestamptz IS NULL OR occurred_at < \(query.until)::timestamptz)
                  AND (\(query.cursor?.sortKey)::timestamptz IS NULL
                       OR (occurred_at, event_id) < (\(query.cursor?.sortKey)::timestamptz, \(query.cursor?.id)::text))
                ORDER BY occurred_at DESC, event_id DESC
                LIMIT \(fetch)
                """, logger: logger)
            var rows: [(body: String, occurredAt: String, eventID: String)] = []
            for try await (body, occurredAt, eventID) in result.decode((String, String, String).self) {
                rows.append((body, occurredAt, eventID))
            }
            return rows
        }
        let page = rows.prefix(query.limit)
        var nextCursor = "null"
        if rows.count > query.limit, let last = page.last {
            nextCursor = "\"\(PageCursor(sortKey: last.occurredAt, id: last.eventID).encoded)\""
        }
        let json = "{\"events\":[\(page.map(\.body).joined(separator: ","))],\"next_cursor\":\(nextCursor)}"
        return Page(json: json)
    }
}

/// One record decoded for the insert. A record that cannot be decoded is poison (DLQ).
struct EventRow {
    var tenantID: UUID
    var eventID: String
    var kind: String
    var type: String
    var routeID: String
    var provider: String
    var model: String
    var occurredAt: String
    var receivedAt: String
    var requestID: String
    var body: String

    init(_ message: KafkaMessage) throws {
        let tenantID = try message.tenantID()
        self.tenantID = tenantID
        do {
            if message.topic == Topic.change.name {
                let event = try Palisade_V1_ChangeEvent(serializedBytes: message.value)
                (eventID, kind, type, routeID, provider, model) = (event.eventID, "change", event.type, "", event.provider, "")
                occurredAt = RFC3339.format(event.timestamp.date)
                receivedAt = RFC3339.format(event.receivedAt.date)
                requestID = event.requestID
                body = String(decoding: event.json, as: UTF8.self)
                guard event.tenantID == message.keyText.lowercased() else { throw PoisonRecord("payload tenant differs from key") }
            } else {
                let event = try Palisade_V1_RuntimeEvent(serializedBytes: message.value)
                (eventID, kind, type, routeID, provider, model) = (event.eventID, "runtime", event.type, event.routeID, event.provider, event.model)
                occurredAt = RFC3339.format(event.timestamp.date)
                receivedAt = RFC3339.format(event.receivedAt.date)
                requestID = event.requestID
                body = String(decoding: event.json, as: UTF8.self)
                guard event.tenantID == message.keyText.lowercased() else { throw PoisonRecord("payload tenant differs from key") }
            }
        } catch let poison as PoisonRecord {
            throw poison
        } catch {
            throw PoisonRecord("payload is not a palisade.v1 event: \(error)")
        }
        guard !eventID.isEmpty, !body.isEmpty else { throw PoisonRecord("event without id or body") }
    }
}

/// Column arrays for one multi-row `unnest` insert.
struct EventRows {
    var eventIDs: [String] = []
    var kinds: [String] = []
    var types: [String] = []
    var routeIDs: [String] = []
    var providers: [String] = []
    var models: [String] = []
    var occurredAt: [String] = []
    var receivedAt: [String] = []
    var requestIDs: [String] = []
    var bodies: [String] = []

    mutating func append(_ row: EventRow) {
        eventIDs.append(row.eventID)
        kinds.append(row.kind)
        types.append(row.type)
        routeIDs.append(row.routeID)
        providers.append(row.provider)
        models.append(row.model)
        occurredAt.append(row.occurredAt)
        receivedAt.append(row.receivedAt)
        requestIDs.append(row.requestID)
        bodies.append(row.body)
    }
}
