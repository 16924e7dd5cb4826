import Foundation
import Logging
import PalisadePolicy
import PalisadeStore
import Synchronization

/// Each tenant's active packs, compiled, so a decision needs no database round trip. An entry
/// is trusted for `recheck`; after that one cheap query reads the set's revision and the set
/// is read and compiled again only when the revision moved (another instance changed it). A
/// change made through this instance installs the new set at once.
final class ActivePacks: Sendable {
    private struct Entry: Sendable {
        var set: ActivePackSet
        var checkedAt: ContinuousClock.Instant
    }

    private let store: PackStore
    private let recheck: Duration
    private let logger: Logger
    private let entries = Mutex<[UUID: Entry]>([:])

    init(store: PackStore, recheck: Duration, logger: Logger) {
        self.store = store
        self.recheck = recheck
        self.logger = logger
    }

    func set(for scope: TenantScope, logger: Logger) async throws -> ActivePackSet {
        let now = ContinuousClock.now
        let cached = entries.withLock { $0[scope.tenantID] }
        if let cached, now - cached.checkedAt < recheck { return cached.set }
        if let cached, try await store.revision(scope: scope, logger: logger) == cached.set.revision {
            entries.withLock { $0[scope.tenantID] = Entry(set: cached.set, checkedAt: now) }
            return cached.set
        }
        let (revision, active) = try await store.activeSet(scope: scope, logger: logger)
        return install(scope.tenantID, revision: revision, active: active)
    }

    /// After a change of the tenant's set (or a fresh read of it); an older revision never
    /// replaces a newer one.
    @discardableResult
    func install(_ tenant: UUID, revision: Int64, active: [ActiveEntry]) -> ActivePackSet {
        let set = Self.compile(revision: revision, active: active, logger: logger)
        return entries.withLock { entries in
            if let current = entries[tenant], current.set.revision > revision { return current.set }
            entries[tenant] = Entry(set: set, checkedAt: .now)
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
