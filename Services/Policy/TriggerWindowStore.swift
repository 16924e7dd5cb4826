import Foundation
import Logging
import PalisadePolicy
import PalisadeStore
import PostgresNIO

/// The `policy.trigger_windows` table: each route's trigger state, as its snapshot bytes.
struct TriggerWindowStore: Sendable {
    let database: Database

    /// The checkpoints of `routes`; one that does not decode is left out (its route starts
    /// empty) and logged, never fatal.
    func load(_ routes: [String], scope: TenantScope, logger: Logger) async throws -> [String: TriggerRouteState] {
        try await database.withTenant(scope, logger: logger) { connection in
            let rows = try await connection.query(
                "SELECT route_id, state FROM policy.trigger_windows WHERE route_id = ANY(\(routes))", logger: logger
            )
            var states: [String: TriggerRouteState] = [:]
            for try await (route, bytes) in rows.decode((String, ByteBuffer).self) {
                do {
                    states[route] = try TriggerRouteState(snapshot: Array(buffer: bytes))
                } catch {
                    logger.error("trigger windows checkpoint unreadable; the route starts empty",
                                 metadata: ["route": "\(route)", "error": "\(error)"])
                }
            }
            return states
        }
    }

    /// Saves `states` of one tenant in one transaction. A stored state that has counted
    /// further in the same partition stays: the state is a function of the partition's events,
    /// so the one further along is the one to keep.
    func save(_ states: [(route: String, state: TriggerRouteState)], scope: TenantScope, logger: Logger) async throws {
        guard !states.isEmpty else { return }
        let routes = states.map(\.route)
        let snapshots = states.map { ByteBuffer(bytes: $0.state.snapshot) }
        let partitions = states.map { $0.state.position?.partition ?? -1 }
        let offsets = states.map { $0.state.position?.offset ?? -1 }
        try await database.withTenant(scope, logger: logger) { connection in
            try await connection.query("""
                INSERT INTO policy.trigger_windows (tenant_id, route_id, state, kafka_partition, kafka_offset)
                SELECT \(scope.tenantID), route, state, kafka_partition, kafka_offset
                FROM unnest(\(routes)::text[], \(snapshots)::bytea[], \(partitions)::integer[], \(offsets)::bigint[])
                    AS saved (route, state, kafka_partition, kafka_offset)
                ON CONFLICT (tenant_id, route_id) DO UPDATE
                    SET state = EXCLUDED.state, kafka_partition = EXCLUDED.kafka_partition,
                        kafka_offset = EXCLUDED.kafka_offset, saved_at = now()
                    WHERE policy.trigger_windows.kafka_partition <> EXCLUDED.kafka_partition
                       OR policy.trigger_windows.kafka_offset <= EXCLUDED.kafka_offset
                """, logger: logger)
        }
    }
}
