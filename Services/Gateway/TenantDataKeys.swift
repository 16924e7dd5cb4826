import Foundation
import Logging
import PalisadeAuth
import PalisadeCrypto
import PalisadeStore
import PostgresNIO

/// Each tenant's data key (`identity.tenant_data_keys`): created on first use, stored wrapped
/// by the master key, opened only for the call that seals or opens one of the tenant's
/// secrets. Only wrapped bytes are cached.
struct TenantDataKeys: Sendable {
    struct KeyID: Hashable, Sendable {
        var tenantID: UUID
        var dataKeyID: UUID
    }

    let wrapping: any KeyWrapping
    /// Wrapped keys: a lookup saves a query, and opening a 32-byte value costs microseconds.
    let wrapped: ExpiringCache<KeyID, Data>

    init(wrapping: any KeyWrapping) {
        self.wrapping = wrapping
        wrapped = ExpiringCache(lifetime: .seconds(300))
    }

    static func context(_ id: KeyID) -> String {
        "palisade/tenant-data-key/\(id.tenantID.uuidString.lowercased())/\(id.dataKeyID.uuidString.lowercased())"
    }

    /// The tenant's active key, created if it has none, inside the caller's tenant transaction.
    func active(tenant: UUID, on connection: PostgresConnection, logger: Logger) async throws -> (id: UUID, key: DataKey) {
        if let found = try await activeRow(on: connection, logger: logger) {
            return (found.id, try open(KeyID(tenantID: tenant, dataKeyID: found.id), wrapped: found.wrapped))
        }
        let id = UUID()
        let (key, raw) = DataKey.generate()
        let sealed = try wrapping.seal(raw, context: Self.context(KeyID(tenantID: tenant, dataKeyID: id)))
        // Two first uses at once: the unique index on the active key lets one insert win.
        try await connection.query("""
            INSERT INTO identity.tenant_data_keys (tenant_id, data_key_id, wrapped_key, wrapping_key_id)
            VALUES (\(tenant), \(id), \(sealed), \(wrapping.keyID))
            ON CONFLICT DO NOTHING
            """, logger: logger)
        if let found = try await activeRow(on: connection, logger: logger), found.id != id {
            return (found.id, try open(KeyID(tenantID: tenant, dataKeyID: found.id), wrapped: found.wrapped))
        }
        wrapped.store(sealed, for: KeyID(tenantID: tenant, dataKeyID: id))
        return (id, key)
    }

    /// A key by id (active or retired), for opening what was sealed under it.
    func key(_ id: KeyID, on connection: PostgresConnection, logger: Logger) async throws -> DataKey {
        if let cached = wrapped.value(for: id) { return try open(id, wrapped: cached) }
        let rows = try await connection.query(
            "SELECT wrapped_key FROM identity.tenant_data_keys WHERE data_key_id = \(id.dataKeyID)", logger: logger
        )
        for try await (sealed) in rows.decode(Data.self) {
            wrapped.store(sealed, for: id)
            return try open(id, wrapped: sealed)
        }
        throw KeyWrappingError.unopenable
    }

    /// A new active key; the previous one is retired (and returned, to re-seal what it sealed).
    func rotate(tenant: UUID, on connection: PostgresConnection, logger: Logger) async throws -> (old: UUID?, new: UUID, key: DataKey) {
        let previous = try await activeRow(on: connection, logger: logger)?.id
        if let previous {
            try await connection.query(
                "UPDATE identity.tenant_data_keys SET retired_at = now() WHERE data_key_id = \(previous)", logger: logger
            )
        }
        let id = UUID()
        let (key, raw) = DataKey.generate()
        let sealed = try wrapping.seal(raw, context: Self.context(KeyID(tenantID: tenant, dataKeyID: id)))
        try await connection.query("""
            INSERT INTO identity.tenant_data_keys (tenant_id, data_key_id, wrapped_key, wrapping_key_id)
            VALUES (\(tenant), \(id), \(sealed), \(wrapping.keyID))
            """, logger: logger)
        wrapped.store(sealed, for: KeyID(tenantID: tenant, dataKeyID: id))
        return (previous, id, key)
    }

    private func activeRow(on connection: PostgresConnection, logger: Logger) async throws -> (id: UUID, wrapped: Data)? {
        let rows = try await connection.query(
            "SELECT data_key_id, wrapped_key FROM identity.tenant_data_keys WHERE retired_at IS NULL", logger: logger
        )
        for try await (id, sealed) in rows.decode((UUID, Data).self) { return (id, sealed) }
        return nil
    }

    private func open(_ id: KeyID, wrapped sealed: Data) throws -> DataKey {
        try DataKey(rawBytes: wrapping.open(sealed, context: Self.context(id)))
    }
}
