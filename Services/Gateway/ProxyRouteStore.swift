import Foundation
import Logging
import PalisadeEvents
import PalisadeStore
import PostgresNIO

/// How the gateway treats one of a tenant's LLM routes (`identity.proxy_routes`).
struct ProxyRoute: Sendable, Equatable {
    var routeID: String
    var provider: String
    var upstreamBaseURL: String
    var providerKeyID: UUID?
    /// Empty: any model.
    var allowedModels: [String]
    var failMode: String
    var injectionAction: String
    var piiMode: String
    var secretMode: String
    var requestLimitBytes: Int
    var responseLimitBytes: Int
    var detectorBudgetMilliseconds: Int
    var streamHoldbackCharacters: Int
    var createdAt = Date()
    var updatedAt = Date()

    static let failModes = ["fail_open", "fail_closed"]
    static let injectionActions = ["block", "review", "flag"]
    static let dataModes = ["strict", "reversible", "flag", "block"]

    /// A route with every setting at its default.
    static func defaults(routeID: String, provider: String, upstreamBaseURL: String) -> ProxyRoute {
        ProxyRoute(routeID: routeID, provider: provider, upstreamBaseURL: upstreamBaseURL, providerKeyID: nil, allowedModels: [],
                   failMode: "fail_closed", injectionAction: "block", piiMode: "strict", secretMode: "strict",
                   requestLimitBytes: 1_048_576, responseLimitBytes: 8_388_608, detectorBudgetMilliseconds: 50,
                   streamHoldbackCharacters: 256)
    }
}

/// The `identity.proxy_routes` table; every change stages its audit entry in the same transaction.
struct ProxyRouteStore: Sendable {
    let database: Database

    private static let columns = """
        route_id, provider, upstream_base_url, provider_key_id, allowed_models, fail_mode, injection_action, pii_mode,
        secret_mode, request_limit_bytes, response_limit_bytes, detector_budget_ms, stream_holdback_chars, created_at, updated_at
        """

    /// Nil when the tenant has a route of that id already.
    func create(_ route: ProxyRoute, scope: TenantScope, audit: Palisade_V1_AuditEntry, logger: Logger) async throws -> ProxyRoute? {
        try await database.withTenant(scope, logger: logger) { connection in
            let rows = try await connection.query("""
                INSERT INTO identity.proxy_routes (tenant_id, route_id, provider, upstream_base_url, provider_key_id, allowed_models,
                    fail_mode, injection_action, pii_mode, secret_mode, request_limit_bytes, response_limit_bytes,
                    detector_budget_ms, stream_holdback_chars)
                VALUES (\(scope.tenantID), \(route.routeID), \(route.provider), \(route.upstreamBaseURL), \(route.providerKeyID),
                    \(route.allowedModels), \(route.failMode), \(route.injectionAction), \(route.piiMode), \(route.secretMode),
                    \(route.requestLimitBytes), \(route.responseLimitBytes), \(route.detectorBudgetMilliseconds),
                    \(route.streamHoldbackCharacters))
                ON CONFLICT DO NOTHING
                RETURNING \(unescaped: Self.columns)
                """, logger: logger)
            guard let created = try await Self.decode(rows).first else { return nil }
            try await IdentityAudit.stage(audit, on: connection, logger: logger)
            return created
        }
    }

    func list(scope: TenantScope, logger: Logger) async throws -> [ProxyRoute] {
        try await database.withTenant(scope, logger: logger) { connection in
            try await Self.decode(connection.query(
                "SELECT \(unescaped: Self.columns) FROM identity.proxy_routes ORDER BY route_id LIMIT 1000", logger: logger
            ))
        }
    }

    func find(_ routeID: String, scope: TenantScope, logger: Logger) async throws -> ProxyRoute? {
        try await database.withTenant(scope, logger: logger) { connection in
            try await Self.decode(connection.query(
                "SELECT \(unescaped: Self.columns) FROM identity.proxy_routes WHERE route_id = \(routeID)", logger: logger
            )).first
        }
    }

    /// Replaces the route's settings; nil when the tenant has no such route.
    func update(_ route: ProxyRoute, scope: TenantScope, audit: Palisade_V1_AuditEntry, logger: Logger) async throws -> ProxyRoute? {
        try await database.withTenant(scope, logger: logger) { connection in
            let rows = try await connection.query("""
                UPDATE identity.proxy_routes SET provider = \(route.provider), upstream_base_url = \(route.upstreamBaseURL),
                    provider_key_id = \(route.providerKeyID), allowed_models = \(route.allowedModels), fail_mode = \(route.failMode),
                    injection_action = \(route.injectionAction), pii_mode = \(route.piiMode), secret_mode = \(route.secretMode),
                    request_limit_bytes = \(route.requestLimitBytes), response_limit_bytes = \(route.responseLimitBytes),
                    detector_budget_ms = \(route.detectorBudgetMilliseconds),
                    stream_holdback_chars = \(route.streamHoldbackCharacters), updated_at = now()
                WHERE route_id = \(route.routeID)
                RETURNING \(unescaped: Self.columns)
                """, logger: logger)
            guard let updated = try await Self.decode(rows).first else { return nil }
            try await IdentityAudit.stage(audit, on: connection, logger: logger)
            return updated
        }
    }

    func delete(_ routeID: String, scope: TenantScope, audit: Palisade_V1_AuditEntry, logger: Logger) async throws -> Bool {
        try await database.withTenant(scope, logger: logger) { connection in
            let rows = try await connection.query(
                "DELETE FROM identity.proxy_routes WHERE route_id = \(routeID) RETURNING route_id", logger: logger
            )
            for try await _ in rows.decode(String.self) {
                try await IdentityAudit.stage(audit, on: connection, logger: logger)
                return true
            }
            return false
        }
    }

    private static func decode(_ rows: PostgresRowSequence) async throws -> [ProxyRoute] {
        var routes: [ProxyRoute] = []
        for try await row in rows {
            let columns = try row.decode((String, String, String, UUID?, [String], String, String, String, String, Int, Int, Int, Int, Date, Date).self)
            routes.append(ProxyRoute(
                routeID: columns.0, provider: columns.1, upstreamBaseURL: columns.2, providerKeyID: columns.3, allowedModels: columns.4,
                failMode: columns.5, injectionAction: columns.6, piiMode: columns.7, secretMode: columns.8,
                requestLimitBytes: columns.9, responseLimitBytes: columns.10, detectorBudgetMilliseconds: columns.11,
                streamHoldbackCharacters: columns.12, createdAt: columns.13, updatedAt: columns.14
            ))
        }
        return routes
    }
}
