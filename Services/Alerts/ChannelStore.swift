import Foundation
import Logging
import PalisadeEvents
import PalisadeStore
import PostgresNIO

/// The `alerts.channels` table.
struct ChannelStore: Sendable {
    let database: Database

    func create(_ channel: Channel, scope: TenantScope, logger: Logger) async throws {
        try await database.withTenant(scope, logger: logger) { connection in
            try await connection.query("""
                INSERT INTO alerts.channels (tenant_id, channel_id, name, type, url, secret, min_severity, created_by)
                VALUES (\(scope.tenantID), \(channel.channelID), \(channel.name), 'webhook', \(channel.url),
                        \(channel.secret), \(channel.minSeverity.rawValue), \(scope.subject))
                """, logger: logger)
        }
    }

    func list(scope: TenantScope, logger: Logger) async throws -> [Channel] {
        try await database.withTenant(scope, logger: logger) { connection in
            let rows = try await connection.query(
                "SELECT channel_id, name, url, secret, min_severity FROM alerts.channels ORDER BY created_at, channel_id",
                logger: logger
            )
            var channels: [Channel] = []
            for try await (id, name, url, secret, severity) in rows.decode((UUID, String, String, String, String).self) {
                channels.append(Channel(channelID: id, name: name, url: url, secret: secret,
                                        minSeverity: Severity(rawValue: severity) ?? .low))
            }
            return channels
        }
    }

    func delete(_ channelID: UUID, scope: TenantScope, logger: Logger) async throws -> Bool {
        try await database.withTenant(scope, logger: logger) { connection in
            let rows = try await connection.query(
                "DELETE FROM alerts.channels WHERE channel_id = \(channelID) RETURNING channel_id", logger: logger
            )
            for try await _ in rows.decode(UUID.self) { return true }
            return false
        }
    }
}
