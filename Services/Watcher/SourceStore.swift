import Foundation
import Logging
import PalisadeEvents
import PalisadeStore
import PostgresNIO

/// `watcher.sources`, `watcher.snapshots` and `watcher.route_inventory`.
struct SourceStore: Sendable {
    let database: Database
    /// This instance's name on the claims it takes: it ends only claims that carry it.
    let claimant: UUID

    func create(_ source: Source, scope: TenantScope, logger: Logger) async throws {
        try await database.withTenant(scope, logger: logger) { connection in
            try await connection.query("""
                INSERT INTO watcher.sources (tenant_id, watcher_id, name, url, provider, classification, severity, interval_seconds, created_by)
                VALUES (\(scope.tenantID), \(source.watcherID), \(source.name), \(source.url), \(source.provider),
                        \(source.classification), \(source.severity.rawValue), \(source.intervalSeconds), \(scope.subject))
                """, logger: logger)
        }
    }

    /// `{"watchers":[...]}` with each source's last check.
    func listJSON(scope: TenantScope, logger: Logger) async throws -> String {
        try await database.withTenant(scope, logger: logger) { connection in
            let rows = try await connection.query("""
                SELECT coalesce(jsonb_agg(jsonb_build_object(
                    'watcher_id', watcher_id, 'name', name, 'url', url, 'provider', provider,
                    'classification', classification, 'severity', severity, 'interval_seconds', interval_seconds,
                    'last_status', last_status,
                    'last_checked_at', to_char(last_checked_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'))
                    ORDER BY created_at, watcher_id), '[]'::jsonb)::text
                FROM watcher.sources
                """, logger: logger)
            for try await json in rows.decode(String.self) { return "{\"watchers\":\(json)}" }
            return "{\"watchers\":[]}"
        }
    }

    func delete(_ watcherID: UUID, scope: TenantScope, logger: Logger) async throws -> Bool {
        try await database.withTenant(scope, logger: logger) { connection in
            let rows = try await connection.query(
                "DELETE FROM watcher.sources WHERE watcher_id = \(watcherID) RETURNING watcher_id", logger: logger
            )
            for try await _ in rows.decode(UUID.self) { return true }
            return false
        }
    }

    /// Claims up to `limit` sources due for a check, across tenants, for `claim` (ids only,
    /// through `watcher.claim_due_sources`, in `claimant`'s name): no other watcher instance
    /// gets them until the check is recorded or the claim runs out.
    func claimDue(limit: Int, claimFor claim: Duration, logger: Logger) async throws -> [(tenantID: UUID, watcherID: UUID)] {
        let seconds = Int32(clamping: claim.components.seconds)
        let rows = try await database.client.query(
            "SELECT tenant_id, watcher_id FROM watcher.claim_due_sources(\(Int32(clamping: limit)), \(seconds), \(claimant))", logger: logger
        )
        var due: [(UUID, UUID)] = []
        for try await (tenant, watcher) in rows.decode((UUID, UUID).self) { due.append((tenant, watcher)) }
        return due
    }

    /// Ends this instance's claims on `sources` without recording a check (their checks were
    /// stopped by its shutdown), so that they are due again at once. A claim another instance
    /// took since (this one having run out) stays.
    func releaseClaims(_ sources: [(tenantID: UUID, watcherID: UUID)], logger: Logger) async throws {
        for (tenantID, claimed) in Dictionary(grouping: sources, by: \.tenantID) {
            let watcherIDs = claimed.map(\.watcherID)
            try await database.withTenant(.service("watcher", tenantID: tenantID), logger: logger) { connection in
                try await connection.query(
                    "UPDATE watcher.sources SET claimed_until = NULL, claimed_by = NULL WHERE watcher_id = ANY(\(watcherIDs)) AND claimed_by = \(claimant)",
                    logger: logger
                )
            }
        }
    }

    /// A source with what the last check learned, and the content it saw.
    struct Watched: Sendable {
        var source: Source
        var etag: String?
        var lastModified: String?
        var contentHash: String?
        var content: String?
    }

    func load(_ watcherID: UUID, tenantID: UUID, logger: Logger) async throws -> Watched? {
        try await database.withTenant(.service("watcher", tenantID: tenantID), logger: logger) { connection in
            let rows = try await connection.query("""
                SELECT s.name, s.url, s.provider, s.classification, s.severity, s.interval_seconds,
                       s.etag, s.last_modified, s.content_hash, n.content
                FROM watcher.sources s
                LEFT JOIN watcher.snapshots n ON n.watcher_id = s.watcher_id AND n.content_hash = s.content_hash
                WHERE s.watcher_id = \(watcherID)
                """, logger: logger)
            for try await (name, url, provider, classification, severity, interval, etag, modified, hash, content)
                in rows.decode((String, String, String, String, String, Int, String?, String?, String?, String?).self) {
                let source = Source(watcherID: watcherID, name: name, url: url, provider: provider, classification: classification,
                                    severity: Severity(rawValue: severity) ?? .medium, intervalSeconds: interval)
                return Watched(source: source, etag: etag, lastModified: modified, contentHash: hash, content: content)
            }
            return nil
        }
    }

    /// Records a check: its outcome, validators for the next conditional request, the content
    /// seen (a snapshot when new) and when to look again; ends the source's claim if it is
    /// this instance's (or the previous release's, which names no claimant).
    /// `failed`: the source did not answer, or answered with an error.
    func recordCheck(_ watcherID: UUID, tenantID: UUID, status: String, failed: Bool = false, etag: String?, lastModified: String?,
                     content: (hash: String, text: String)?, intervalSeconds: Int, logger: Logger) async throws {
        try await database.withTenant(.service("watcher", tenantID: tenantID), logger: logger) { connection in
            if let content {
                try await connection.query("""
                    INSERT INTO watcher.snapshots (tenant_id, watcher_id, content_hash, content)
                    VALUES (\(tenantID), \(watcherID), \(content.hash), \(content.text))
                    ON CONFLICT DO NOTHING
                    """, logger: logger)
            }
            // A failure doubles the wait before the next look, up to a day; an answer resets it.
            try await connection.query("""
                UPDATE watcher.sources
                SET last_status = \(status), last_checked_at = now(),
                    consecutive_failures = CASE WHEN \(failed) THEN consecutive_failures + 1 ELSE 0 END,
                    next_check_at = now() + make_interval(secs => least(86400.0,
                        \(Double(intervalSeconds)) * power(2, CASE WHEN \(failed) THEN least(consecutive_failures + 1, 16) ELSE 0 END))),
                    etag = coalesce(\(etag), etag), last_modified = coalesce(\(lastModified), last_modified),
                    content_hash = coalesce(\(content?.hash), content_hash),
                    claimed_until = CASE WHEN coalesce(claimed_by = \(claimant), true) THEN NULL ELSE claimed_until END,
                    claimed_by = CASE WHEN coalesce(claimed_by = \(claimant), true) THEN NULL ELSE claimed_by END
                WHERE watcher_id = \(watcherID)
                """, logger: logger)
        }
    }

    /// The routes seen calling `provider`, for a change's `affected_routes`.
    func routes(of provider: String, scope: TenantScope, logger: Logger) async throws -> [String] {
        try await database.withTenant(scope, logger: logger) { connection in
            let rows = try await connection.query(
                "SELECT route_id FROM watcher.route_inventory WHERE provider = \(provider) ORDER BY route_id", logger: logger
            )
            var routes: [String] = []
            for try await route in rows.decode(String.self) { routes.append(route) }
            return routes
        }
    }

    /// Remembers which routes call which providers (from runtime events).
    func recordRoutes(_ pairs: [(provider: String, route: String)], tenantID: UUID, logger: Logger) async throws {
        try await database.withTenant(.service("watcher", tenantID: tenantID), logger: logger) { connection in
            try await connection.query("""
                INSERT INTO watcher.route_inventory (tenant_id, provider, route_id, last_seen_at)
                SELECT \(tenantID), p, r, now() FROM unnest(\(pairs.map(\.provider))::text[], \(pairs.map(\.route))::text[]) AS t(p, r)
                ON CONFLICT (tenant_id, provider, route_id) DO UPDATE SET last_seen_at = now()
                """, logger: logger)
        }
    }
}
