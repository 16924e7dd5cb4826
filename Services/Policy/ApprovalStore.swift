import Foundation
import Logging
import PalisadeEvents
import PalisadeService
import PalisadeStore
import PostgresNIO

enum ApprovalStatus: String, Sendable, CaseIterable {
    case pending, approved, denied, expired
}

struct Approval: Sendable {
    var approvalID: UUID
    /// A pending approval past its expiry reads as expired even before the sweeper marks it.
    var status: ApprovalStatus
    /// `{"subject": {...}, "action", "resource", "route"}` as asked.
    var request: JSONValue
    var packID: String
    var packVersion: String
    var rulePath: String
    var reason: String
    var requestedBy: String
    var requestedAt: Date
    var expiresAt: Date
    var decidedBy: String?
    var decidedAt: Date?
    var comment: String?
    var requestID: String
}

/// The `policy.approvals` table.
struct ApprovalStore: Sendable {
    let database: Database

    typealias Stage = @Sendable (Approval, PostgresConnection) async throws -> Void

    private static let columns = """
        approval_id, CASE WHEN status = 'pending' AND expires_at <= now() THEN 'expired' ELSE status END,
        request::text, pack_id, pack_version, rule_path, reason, requested_by, requested_at, expires_at,
        decided_by, decided_at, comment, request_id
        """

    func create(_ approval: Approval, scope: TenantScope, logger: Logger, stage: Stage) async throws {
        let request = String(decoding: approval.request.canonicalJSON(), as: UTF8.self)
        try await database.withTenant(scope, logger: logger) { connection in
            try await connection.query("""
                INSERT INTO policy.approvals (tenant_id, approval_id, request, pack_id, pack_version, rule_path, reason,
                                              requested_by, requested_at, expires_at, request_id)
                VALUES (\(scope.tenantID), \(approval.approvalID), \(request)::jsonb, \(approval.packID), \(approval.packVersion),
                        \(approval.rulePath), \(approval.reason), \(approval.requestedBy), \(approval.requestedAt), \(approval.expiresAt),
                        \(approval.requestID))
                """, logger: logger)
            try await stage(approval, connection)
        }
    }

    func find(_ approvalID: UUID, scope: TenantScope, logger: Logger) async throws -> Approval? {
        try await database.withTenant(scope, logger: logger) { connection in
            try await Self.find(approvalID, on: connection, logger: logger)
        }
    }

    /// Newest first, after `cursor`, optionally only those in `status`.
    func list(status: ApprovalStatus?, page: PageRequest, scope: TenantScope, logger: Logger) async throws -> [Approval] {
        let before = page.cursor.flatMap { cursor in Int64(cursor.sortKey).map { (Date(timeIntervalSince1970: Double($0) / 1_000_000), cursor.id) } }
        return try await database.withTenant(scope, logger: logger) { connection in
            var query = PostgresQuery(unsafeSQL: "SELECT \(Self.columns) FROM policy.approvals WHERE true")
            var binds = PostgresBindings()
            if let status {
                binds.append(status.rawValue)
                query = PostgresQuery(unsafeSQL: query.sql + (status == .pending
                    ? " AND status = $\(binds.count) AND expires_at > now()"
                    : status == .expired ? " AND (status = $\(binds.count) OR (status = 'pending' AND expires_at <= now()))"
                    : " AND status = $\(binds.count)"))
            }
            if let (at, id) = before, let uuid = UUID(uuidString: id) {
                binds.append(at)
                binds.append(uuid)
                query = PostgresQuery(unsafeSQL: query.sql + " AND (requested_at, approval_id) < ($\(binds.count - 1), $\(binds.count))")
            }
            binds.append(page.limit + 1)
            query = PostgresQuery(unsafeSQL: query.sql + " ORDER BY requested_at DESC, approval_id DESC LIMIT $\(binds.count)", binds: binds)
            return try await Self.approvals(try await connection.query(query, logger: logger))
        }
    }

    enum Resolution: Sendable {
        case resolved(Approval)
        case notFound
        /// Already approved, denied or expired.
        case closed(Approval)
    }

    /// Approves or denies a pending approval, staging the outcome in the same transaction.
    func resolve(_ approvalID: UUID, to status: ApprovalStatus, comment: String?, scope: TenantScope, logger: Logger,
                 stage: Stage) async throws -> Resolution {
        try await database.withTenant(scope, logger: logger) { connection in
            let rows = try await connection.query("""
                UPDATE policy.approvals SET status = \(status.rawValue), decided_by = \(scope.subject), decided_at = now(), comment = \(comment)
                WHERE approval_id = \(approvalID) AND status = 'pending' AND expires_at > now()
                RETURNING approval_id
                """, logger: logger)
            var updated = false
            for try await _ in rows.decode(UUID.self) { updated = true }
            guard let approval = try await Self.find(approvalID, on: connection, logger: logger) else { return .notFound }
            guard updated else { return .closed(approval) }
            try await stage(approval, connection)
            return .resolved(approval)
        }
    }

    /// Marks the tenant's pending approvals past expiry as expired, staging each outcome.
    func expire(scope: TenantScope, logger: Logger, stage: Stage) async throws -> Int {
        try await database.withTenant(scope, logger: logger) { connection in
            let rows = try await connection.query("""
                UPDATE policy.approvals SET status = 'expired', decided_by = 'service:policy', decided_at = now()
                WHERE status = 'pending' AND expires_at <= now()
                RETURNING \(unescaped: Self.columns)
                """, logger: logger)
            let expired = try await Self.approvals(rows)
            for approval in expired { try await stage(approval, connection) }
            return expired.count
        }
    }

    /// Tenants with pending approvals past their expiry (across tenants, through the schema's function).
    func tenantsWithExpired(limit: Int, logger: Logger) async throws -> [UUID] {
        let rows = try await database.client.query("SELECT tenant_id FROM policy.tenants_with_expired_approvals(\(Int32(clamping: limit)))", logger: logger)
        var tenants: [UUID] = []
        for try await tenant in rows.decode(UUID.self) { tenants.append(tenant) }
        return tenants
    }

    private static func find(_ approvalID: UUID, on connection: PostgresConnection, logger: Logger) async throws -> Approval? {
        try await approvals(try await connection.query(
            "SELECT \(unescaped: columns) FROM policy.approvals WHERE approval_id = \(approvalID)", logger: logger
        )).first
    }

    private static func approvals(_ rows: PostgresRowSequence) async throws -> [Approval] {
        var approvals: [Approval] = []
        for try await (id, status, request, packID, version, path, reason, requestedBy, requestedAt, expiresAt,
                       decidedBy, decidedAt, comment, requestID)
            in rows.decode((UUID, String, String, String, String, String, String, String, Date, Date, String?, Date?, String?, String).self) {
            approvals.append(Approval(
                approvalID: id, status: ApprovalStatus(rawValue: status) ?? .pending,
                request: (try? JSONReader.parse(request.utf8)) ?? .object([:]),
                packID: packID, packVersion: version, rulePath: path, reason: reason, requestedBy: requestedBy,
                requestedAt: requestedAt, expiresAt: expiresAt, decidedBy: decidedBy, decidedAt: decidedAt, comment: comment,
                requestID: requestID
            ))
        }
        return approvals
    }
}
