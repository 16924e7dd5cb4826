import Foundation
import Logging
import PalisadeStore
import PostgresNIO

/// `siem.destinations` and `siem.forwarded`.
struct DestinationStore: Sendable {
    let database: Database

    func create(_ destination: Destination, scope: TenantScope, logger: Logger) async throws {
        try await database.withTenant(scope, logger: logger) { connection in
            try await connection.query("""
                INSERT INTO siem.destinations (tenant_id, destination_id, name, type, url, token, index_name, sourcetype, created_by)
                VALUES (\(scope.tenantID), \(destination.destinationID), \(destination.name), 'splunk_hec', \(destination.url),
                        \(destination.token), \(destination.index), \(destination.sourcetype), \(scope.subject))
                """, logger: logger)
        }
    }

    func list(scope: TenantScope, logger: Logger) async throws -> [Destination] {
        try await database.withTenant(scope, logger: logger) { connection in
            let rows = try await connection.query(
                "SELECT destination_id, name, url, token, index_name, sourcetype FROM siem.destinations ORDER BY created_at, destination_id",
                logger: logger
            )
            var destinations: [Destination] = []
            for try await (id, name, url, token, index, sourcetype) in rows.decode((UUID, String, String, String, String?, String).self) {
                destinations.append(Destination(destinationID: id, name: name, url: url, token: token, index: index, sourcetype: sourcetype))
            }
            return destinations
        }
    }

    func delete(_ destinationID: UUID, scope: TenantScope, logger: Logger) async throws -> Bool {
        try await database.withTenant(scope, logger: logger) { connection in
            let rows = try await connection.query(
                "DELETE FROM siem.destinations WHERE destination_id = \(destinationID) RETURNING destination_id", logger: logger
            )
            for try await _ in rows.decode(UUID.self) { return true }
            return false
        }
    }

    /// Which of `recordIDs` the destination already accepted.
    func alreadyForwarded(_ recordIDs: [String], destinationID: UUID, tenantID: UUID, logger: Logger) async throws -> Set<String> {
        try await database.withTenant(.service("siem", tenantID: tenantID), logger: logger) { connection in
            let rows = try await connection.query("""
                SELECT record_id FROM siem.forwarded WHERE destination_id = \(destinationID) AND record_id = ANY(\(recordIDs))
                """, logger: logger)
            var seen = Set<String>()
            for try await id in rows.decode(String.self) { seen.insert(id) }
            return seen
        }
    }

    func markForwarded(_ recordIDs: [String], destinationID: UUID, tenantID: UUID, logger: Logger) async throws {
        try await database.withTenant(.service("siem", tenantID: tenantID), logger: logger) { connection in
            try await connection.query("""
                INSERT INTO siem.forwarded (tenant_id, destination_id, record_id)
                SELECT \(tenantID), \(destinationID), unnest(\(recordIDs)::text[])
                ON CONFLICT DO NOTHING
                """, logger: logger)
        }
    }
}
