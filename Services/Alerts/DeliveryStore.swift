import Foundation
import Logging
import PalisadeDelivery
import PalisadeStore
import PostgresNIO

/// `alerts.deliveries` and `alerts.attempts`: one delivery per (channel, incident event) and
/// every attempt made for it.
struct DeliveryStore: Sendable {
    let database: Database

    struct Claim: Sendable {
        let deliveryID: UUID
        let status: String
        let attempts: Int
    }

    /// The delivery of `incidentEventID` to the channel, created pending when new.
    func claim(channelID: UUID, incidentEventID: String, incidentID: String, tenantID: UUID, logger: Logger) async throws -> Claim {
        try await database.withTenant(.service("alerts", tenantID: tenantID), logger: logger) { connection in
            try await connection.query("""
                INSERT INTO alerts.deliveries (tenant_id, delivery_id, channel_id, incident_event_id, incident_id, status)
                VALUES (\(tenantID), \(UUID()), \(channelID), \(incidentEventID), \(incidentID), 'pending')
                ON CONFLICT (tenant_id, channel_id, incident_event_id) DO NOTHING
                """, logger: logger)
            let rows = try await connection.query("""
                SELECT delivery_id, status, attempts FROM alerts.deliveries
                WHERE channel_id = \(channelID) AND incident_event_id = \(incidentEventID)
                """, logger: logger)
            for try await (id, status, attempts) in rows.decode((UUID, String, Int).self) {
                return Claim(deliveryID: id, status: status, attempts: attempts)
            }
            throw DeliveryStoreError.vanished
        }
    }

    /// Records attempt number `number` and, when `outcome` is final, the delivery's status.
    func record(_ attempt: DeliveryAttempt, number: Int, deliveryID: UUID, tenantID: UUID, finalStatus: String?, logger: Logger) async throws {
        try await database.withTenant(.service("alerts", tenantID: tenantID), logger: logger) { connection in
            try await connection.query("""
                INSERT INTO alerts.attempts (tenant_id, delivery_id, attempt, started_at, duration_ms, status_code, error)
                VALUES (\(tenantID), \(deliveryID), \(number), \(attempt.startedAt), \(attempt.durationMilliseconds),
                        \(attempt.statusCode), \(attempt.error.map { String($0.prefix(500)) }))
                ON CONFLICT (tenant_id, delivery_id, attempt) DO NOTHING
                """, logger: logger)
            try await connection.query("""
                UPDATE alerts.deliveries
                SET attempts = greatest(attempts, \(number)), last_status_code = \(attempt.statusCode),
                    last_error = \(attempt.error.map { String($0.prefix(500)) }),
                    status = coalesce(\(finalStatus), status), updated_at = now()
                WHERE delivery_id = \(deliveryID)
                """, logger: logger)
        }
    }

    /// `{"deliveries":[...]}` newest first, each with its attempts.
    func list(status: String?, limit: Int, scope: TenantScope, logger: Logger) async throws -> String {
        try await database.withTenant(scope, logger: logger) { connection in
            let rows = try await connection.query("""
                SELECT coalesce(jsonb_agg(d.view ORDER BY d.created_at DESC, d.delivery_id DESC), '[]'::jsonb)::text
                FROM (
                    SELECT delivery_id, created_at, jsonb_build_object(
                        'delivery_id', delivery_id, 'channel_id', channel_id, 'incident_event_id', incident_event_id,
                        'incident_id', incident_id, 'status', status, 'attempt_count', attempts,
                        'last_status_code', last_status_code, 'last_error', last_error,
                        'created_at', to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
                        'attempts', coalesce((
                            SELECT jsonb_agg(jsonb_build_object(
                                'attempt', a.attempt, 'status_code', a.status_code, 'error', a.error,
                                'duration_ms', a.duration_ms,
                                'started_at', to_char(a.started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'))
                                ORDER BY a.attempt)
                            FROM alerts.attempts a WHERE a.delivery_id = deliveries.delivery_id), '[]'::jsonb)) AS view
                    FROM alerts.deliveries
                    WHERE \(status)::text IS NULL OR status = \(status)
                    ORDER BY created_at DESC, delivery_id DESC
                    LIMIT \(limit)
                ) d
                """, logger: logger)
            for try await json in rows.decode(String.self) { return "{\"deliveries\":\(json)}" }
            return "{\"deliveries\":[]}"
        }
    }
}

enum DeliveryStoreError: Error {
    /// The delivery row was inserted or found a moment ago and is gone (deleted concurrently).
    case vanished
}
