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

    /// Saves `states` of one tenant in one transaction. A stored state of the same log
    /// generation that has counted further in a partition the saved one has counted too stays
    /// (`policy.save_trigger_windows`): the state is a function of its partitions' events, so
    /// the one further along is the one to keep (the other comes from an instance that lost the
    /// partition and finished its batch after the new owner moved on). A later generation
    /// always replaces an earlier one: its offsets are in the log the topic has now.
    func save(_ states: [(route: String, state: TriggerRouteState)], scope: TenantScope, logger: Logger) async throws {
        guard !states.isEmpty else { return }
        let routes = states.map(\.route)
        let snapshots = states.map { ByteBuffer(bytes: $0.state.snapshot) }
        let partitions = states.map { $0.state.position?.partition ?? -1 }
        let offsets = states.map { $0.state.position?.offset ?? -1 }
        let newestOffsets = states.map(\.state.newestOffsetsJSON)
        let generations = states.map(\.state.logGeneration)
        try await database.withTenant(scope, logger: logger) { connection in
            try await connection.query("""
                SELECT policy.save_trigger_windows(\(routes)::text[], \(snapshots)::bytea[], \(partitions)::integer[],
                                                   \(offsets)::bigint[], \(newestOffsets)::text[]::jsonb[], \(generations)::bigint[])
                """, logger: logger)
        }
    }
}
