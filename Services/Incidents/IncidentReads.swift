import Foundation
import Logging
import PalisadeService
import PalisadeStore
import PostgresNIO

/// What `GET /v1/incidents` and `GET /v1/incidents/{id}` answer. Rows are rendered to JSON by
/// Postgres, so timestamps print the same everywhere.
extension IncidentStore {
    static let incidentJSON = """
        jsonb_build_object(
            'incident_id', incident_id, 'title', title, 'severity', severity, 'status', status,
            'route_id', route_id, 'rule_id', rule_id, 'version', version, 'evidence_count', evidence_count,
            'opened_at', to_char(opened_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
            'last_seen_at', to_char(last_seen_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
            'acknowledged_at', to_char(acknowledged_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
            'acknowledged_by', acknowledged_by,
            'resolved_at', to_char(resolved_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
            'resolved_by', resolved_by)
        """

    /// `{"incidents":[...],"next_cursor":...}`, newest first.
    func list(_ query: IncidentQuery, scope: TenantScope, logger: Logger) async throws -> String {
        let fetch = query.limit + 1
        let cursorTime = query.cursor?.sortKey
        let cursorID = query.cursor.flatMap { UUID(uuidString: $0.id) }
        let rows = try await database.withTenant(scope, logger: logger) { connection in
            let result = try await connection.query("""
                SELECT \(unescaped: Self.incidentJSON)::text,
                       to_char(opened_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), incident_id
                FROM incidents.incidents
                WHERE (\(query.status)::text IS NULL OR status = \(query.status))
                  AND (\(query.severity)::text IS NULL OR severity = \(query.severity))
                  AND (\(query.routeID)::text IS NULL OR route_id = \(query.routeID))
                  AND (\(cursorTime)::timestamptz IS NULL OR (opened_at, incident_id) < (\(cursorTime)::timestamptz, \(cursorID)::uuid))
                ORDER BY opened_at DESC, incident_id DESC
                LIMIT \(fetch)
                """, logger: logger)
            var rows: [(json: String, openedAt: String, id: UUID)] = []
            for try await (json, openedAt, id) in result.decode((String, String, UUID).self) { rows.append((json, openedAt, id)) }
            return rows
        }
        let page = rows.prefix(query.limit)
        var next = "null"
        if rows.count > query.limit, let last = page.last {
            next = "\"\(PageCursor(sortKey: last.openedAt, id: last.id.uuidString.lowercased()).encoded)\""
        }
        return "{\"incidents\":[\(page.map(\.json).joined(separator: ","))],\"next_cursor\":\(next)}"
    }

    /// The incident with its timeline, or nil when the tenant has no such incident.
    func detail(_ incidentID: UUID, scope: TenantScope, logger: Logger) async throws -> String? {
        try await database.withTenant(scope, logger: logger) { connection in
            let result = try await connection.query("""
                SELECT (\(unescaped: Self.incidentJSON) || jsonb_build_object('timeline', coalesce((
                    SELECT jsonb_agg(jsonb_build_object(
                        'position', t.position, 'kind', t.kind, 'evidence_id', t.evidence_id, 'event_id', t.event_id,
                        'detail', t.detail,
                        'occurred_at', to_char(t.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'))
                        ORDER BY t.position)
                    FROM incidents.timeline t WHERE t.incident_id = i.incident_id), '[]'::jsonb)))::text
                FROM incidents.incidents i WHERE i.incident_id = \(incidentID)
                """, logger: logger)
            for try await json in result.decode(String.self) { return json }
            return nil
        }
    }
}
