import Foundation
import Logging
import PalisadeEvents
import PalisadeStore
import PostgresNIO
import SwiftProtobuf

/// The `incidents` tables: correlation of evidence into incidents, status changes, reads.
///
/// Every change is stored in `incidents.changes` under the id of its cause, in the same
/// transaction as the change itself. A cause seen again (a redelivered record, a retried
/// request) gets the stored event back instead of a second change, so callers can always
/// (re)publish what they are given.
struct IncidentStore: Sendable {
    let database: Database
    /// Evidence joins an open incident of its key last seen within this window.
    let correlationWindow: Duration

    /// Opens an incident for the evidence or adds it to the open one of its key.
    func correlate(_ evidence: Evidence, logger: Logger) async throws -> Palisade_V1_IncidentEvent {
        let windowSeconds = Double(correlationWindow.components.seconds)
        return try await database.withTenant(.service("incidents", tenantID: evidence.tenantID), logger: logger) { connection in
            if let stored = try await Self.storedChange(cause: evidence.evidenceID, on: connection, logger: logger) {
                return stored
            }
            // One correlator at a time per key, so two records cannot open two incidents.
            try await connection.query(
                "SELECT pg_advisory_xact_lock(hashtext(\(evidence.tenantID.uuidString) || \(evidence.correlationKey)))",
                logger: logger
            )
            let open = try await connection.query("""
                SELECT incident_id, version, severity, evidence_count, opened_at, title, status
                FROM incidents.incidents
                WHERE correlation_key = \(evidence.correlationKey) AND status <> 'resolved'
                  AND last_seen_at >= \(evidence.occurredAt) - make_interval(secs => \(windowSeconds))
                ORDER BY last_seen_at DESC LIMIT 1 FOR UPDATE
                """, logger: logger)
            var current: (id: UUID, version: Int64, severity: String, count: Int64, openedAt: Date, title: String, status: String)?
            for try await row in open.decode((UUID, Int64, String, Int64, Date, String, String).self) { current = row }

            var event = Palisade_V1_IncidentEvent()
            event.tenantID = evidence.tenantID.uuidString.lowercased()
            event.routeID = evidence.routeID
            event.ruleID = evidence.ruleID
            event.evidence = [evidence.evidenceID] + (evidence.eventID.map { [$0] } ?? [])
            event.occurredAt = Google_Protobuf_Timestamp(date: evidence.occurredAt)
            event.requestID = evidence.trace.requestID
            event.actor = "service:incidents"
            if let current {
                // New evidence does not undo an acknowledgement.
                event.status = current.status
                let previous = Severity(rawValue: current.severity) ?? .medium
                let severity = max(previous, evidence.severity)
                event.incidentID = current.id.uuidString.lowercased()
                event.kind = "updated"
                event.version = current.version + 1
                event.severity = severity.rawValue
                event.previousSeverity = previous.rawValue
                event.title = current.title
                event.evidenceCount = current.count + 1
                event.openedAt = Google_Protobuf_Timestamp(date: current.openedAt)
                try await connection.query("""
                    UPDATE incidents.incidents
                    SET version = \(event.version), severity = \(event.severity), evidence_count = \(event.evidenceCount),
                        last_seen_at = greatest(last_seen_at, \(evidence.occurredAt))
                    WHERE incident_id = \(current.id)
                    """, logger: logger)
            } else {
                let incidentID = UUID()
                event.incidentID = incidentID.uuidString.lowercased()
                event.status = "open"
                event.kind = "opened"
                event.version = 1
                event.severity = evidence.severity.rawValue
                event.title = evidence.title
                event.evidenceCount = 1
                event.openedAt = event.occurredAt
                try await connection.query("""
                    INSERT INTO incidents.incidents
                        (tenant_id, incident_id, correlation_key, route_id, rule_id, title, severity, status,
                         version, evidence_count, opened_at, last_seen_at)
                    VALUES (\(evidence.tenantID), \(incidentID), \(evidence.correlationKey), \(evidence.routeID),
                            \(evidence.ruleID), \(evidence.title), \(event.severity), 'open', 1, 1,
                            \(evidence.occurredAt), \(evidence.occurredAt))
                    """, logger: logger)
            }
            event.incidentEventID = "\(event.incidentID).\(event.version)"
            let detail = String(decoding: evidence.detail.canonicalJSON(), as: UTF8.self)
            try await connection.query("""
                INSERT INTO incidents.timeline (tenant_id, incident_id, position, kind, evidence_id, event_id, detail, occurred_at)
                VALUES (\(evidence.tenantID), \(UUID(uuidString: event.incidentID)), \(event.version), \(evidence.kind),
                        \(evidence.evidenceID), \(evidence.eventID), \(detail)::jsonb, \(evidence.occurredAt))
                """, logger: logger)
            try await Self.record(event, cause: evidence.evidenceID, on: connection, logger: logger)
            return event
        }
    }

    enum Transition: String, Sendable {
        case acknowledge, resolve

        /// The status it leads to, which is also the kind of incident event it publishes.
        var status: String { self == .acknowledge ? "acknowledged" : "resolved" }
    }

    enum TransitionOutcome: Sendable {
        case changed(Palisade_V1_IncidentEvent)
        /// The transition happened before; its stored change, and the incident's status now.
        case repeated(Palisade_V1_IncidentEvent, currentStatus: String)
        case notFound
        case conflict(String)
    }

    /// Acknowledges or resolves an incident. Repeating a transition gives back its stored
    /// change (so a retry can publish it); acknowledging a resolved incident is a conflict.
    func transition(_ transition: Transition, incidentID: UUID, scope: TenantScope, requestID: String, logger: Logger) async throws -> TransitionOutcome {
        let cause = "\(transition.rawValue):\(incidentID.uuidString.lowercased())"
        return try await database.withTenant(scope, logger: logger) { connection in
            if let stored = try await Self.storedChange(cause: cause, on: connection, logger: logger) {
                let status = try await connection.query(
                    "SELECT status FROM incidents.incidents WHERE incident_id = \(incidentID)", logger: logger
                )
                var current = stored.status
                for try await value in status.decode(String.self) { current = value }
                return .repeated(stored, currentStatus: current)
            }
            let rows = try await connection.query("""
                SELECT status, version, severity, title, route_id, rule_id, evidence_count, opened_at
                FROM incidents.incidents WHERE incident_id = \(incidentID) FOR UPDATE
                """, logger: logger)
            var found: (status: String, version: Int64, severity: String, title: String, route: String, rule: String, count: Int64, openedAt: Date)?
            for try await row in rows.decode((String, Int64, String, String, String, String, Int64, Date).self) { found = row }
            guard let found else { return .notFound }
            if found.status == "resolved" {
                return .conflict("the incident is resolved; it cannot be \(transition.status) again")
            }
            let now = Date()
            var event = Palisade_V1_IncidentEvent()
            event.tenantID = scope.tenantID.uuidString.lowercased()
            event.incidentID = incidentID.uuidString.lowercased()
            event.kind = transition.status
            event.version = found.version + 1
            event.incidentEventID = "\(event.incidentID).\(event.version)"
            event.status = transition.status
            event.severity = found.severity
            event.title = found.title
            event.routeID = found.route
            event.ruleID = found.rule
            event.evidenceCount = found.count
            event.openedAt = Google_Protobuf_Timestamp(date: found.openedAt)
            event.occurredAt = Google_Protobuf_Timestamp(date: now)
            event.requestID = requestID
            event.actor = scope.subject
            let column = transition == .acknowledge ? "acknowledged" : "resolved"
            try await connection.query("""
                UPDATE incidents.incidents
                SET status = \(event.status), version = \(event.version),
                    \(unescaped: column)_at = \(now), \(unescaped: column)_by = \(scope.subject)
                WHERE incident_id = \(incidentID)
                """, logger: logger)
            let detail = String(decoding: JSONValue.object(["actor": .string(scope.subject), "request_id": .string(requestID)]).canonicalJSON(), as: UTF8.self)
            try await connection.query("""
                INSERT INTO incidents.timeline (tenant_id, incident_id, position, kind, evidence_id, event_id, detail, occurred_at)
                VALUES (\(scope.tenantID), \(incidentID), \(event.version), \(transition.status), NULL, NULL, \(detail)::jsonb, \(now))
                """, logger: logger)
            try await Self.record(event, cause: cause, on: connection, logger: logger)
            return .changed(event)
        }
    }

    static func storedChange(cause: String, on connection: PostgresConnection, logger: Logger) async throws -> Palisade_V1_IncidentEvent? {
        let rows = try await connection.query(
            "SELECT payload FROM incidents.changes WHERE cause_id = \(cause)", logger: logger
        )
        for try await payload in rows.decode(Data.self) {
            return try Palisade_V1_IncidentEvent(serializedBytes: payload)
        }
        return nil
    }

    static func record(_ event: Palisade_V1_IncidentEvent, cause: String, on connection: PostgresConnection, logger: Logger) async throws {
        let payload = Data(try event.serializedBytes() as [UInt8])
        try await connection.query("""
            INSERT INTO incidents.changes (tenant_id, incident_id, version, cause_id, kind, payload)
            VALUES (\(UUID(uuidString: event.tenantID)), \(UUID(uuidString: event.incidentID)), \(event.version),
                    \(cause), \(event.kind), \(payload))
            """, logger: logger)
    }
}
