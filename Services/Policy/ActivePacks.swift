import Foundation
import Logging
import PalisadePolicy
import PalisadeStore
import Synchronization

/// Each tenant's active packs, compiled, so a decision needs no database round trip.
///
/// `recheckAll`, run every `recheck` by the service, reads the revision of each set that
/// decisions used lately and reads and compiles the set again only when the revision moved
/// (another instance changed it). A decision takes a set up to `3 × recheck` old as it is; only
/// an older one (the recheck failing, or a tenant idle for a while) waits on the database
/// itself. A change made through this instance installs the new set at once.
final class ActivePacks: Sendable {
    private struct Entry: Sendable {
        var set: ActivePackSet
        var checkedAt: ContinuousClock.Instant
        var usedAt: ContinuousClock.Instant
    }

    private let store: PackStore
    let recheck: Duration
    private let logger: Logger
    private let entries = Mutex<[UUID: Entry]>([:])

    /// How old a set a decision still takes without waiting for a recheck.
    private var trustedFor: Duration { recheck * 3 }
    /// Sets no decision used for this long are no longer rechecked in the background.
    private static let idleAfter = Duration.seconds(60)

    init(store: PackStore, recheck: Duration, logger: Logger) {
        self.store = store
        self.recheck = recheck
        self.logger = logger
    }

    func set(for scope: TenantScope, logger: Logger) async throws -> ActivePackSet {
        let now = ContinuousClock.now
        let cached = entries.withLock { entries -> Entry? in
            entries[scope.tenantID]?.usedAt = now
            return entries[scope.tenantID]
        }
        if let cached, now - cached.checkedAt < trustedFor { return cached.set }
        return try await refresh(scope.tenantID, cached: cached?.set, scope: scope, logger: logger)
    }

    /// Rechecks every set a decision used within the last minute, one tenant at a time.
    func recheckAll() async throws {
        let now = ContinuousClock.now
        let due = entries.withLock { entries in
            entries.compactMap { tenant, entry in
                now - entry.usedAt < Self.idleAfter && now - entry.checkedAt >= recheck ? (tenant, entry.set) : nil
            }
        }
        for (tenant, set) in due {
            do {
                _ = try await refresh(tenant, cached: set, scope: .service("policy", tenantID: tenant), logger: logger)
            } catch {
                logger.warning("active packs not rechecked", metadata: ["tenant_id": "\(tenant)", "error": "\(error)"])
            }
        }
    }

    /// Reads the revision and, when it moved, the whole set.
    private func refresh(_ tenant: UUID, cached: ActivePackSet?, scope: TenantScope, logger: Logger) async throws -> ActivePackSet {
        let checkedAt = ContinuousClock.now
        if let cached, try await store.revision(scope: scope, logger: logger) == cached.revision {
            entries.withLock { entries in
                if entries[tenant]?.set.revision == cached.revision { entries[tenant]?.checkedAt = checkedAt }
            }
            return cached
        }
        let (revision, active) = try await store.activeSet(scope: scope, logger: logger)
        return install(tenant, revision: revision, active: active)
    }

    /// After a change of the tenant's set (or a fresh read of it); an older revision never
    /// replaces a newer one.
    @discardableResult
    func install(_ tenant: UUID, revision: Int64, active: [ActiveEntry]) -> ActivePackSet {
        let set = Self.compile(revision: revision, active: active, logger: logger)
        let now = ContinuousClock.now
        return entries.withLock { entries in
            if let current = entries[tenant], current.set.revision > revision { return current.set }
            entries[tenant] = Entry(set: set, checkedAt: now, usedAt: entries[tenant]?.usedAt ?? now)
            return set
        }
    }

    /// Stored documents were read and compiled before they were stored, so one failing now
    /// means the compiler changed under it: it is left out, loudly.
    static func compile(revision: Int64, active: [ActiveEntry], logger: Logger) -> ActivePackSet {
        var packs: [LoadedPack] = []
        for entry in active {
            do {
                packs.append(LoadedPack(try CompiledPack(try PackReader.read(entry.document)), mode: entry.activation.mode))
            } catch {
                logger.error("an active pack no longer compiles and is left out",
                             metadata: ["pack_id": "\(entry.activation.packID)", "version": "\(entry.activation.version)", "error": "\(error)"])
            }
        }
        return ActivePackSet(revision: revision, packs: packs)
    }
}
