import Foundation
import Logging
import Metrics
import PalisadeEvents
import PalisadePolicy
import Synchronization

/// The active policy packs of every tenant, as this gateway last accepted them from the packs
/// topic. A pack is loaded only after its signature verified (`PackTrust`); when a tenant's new
/// set holds a pack that fails, the version of that pack this gateway already had stays in
/// force, so a bad publication can never loosen (or drop) a tenant's policy.
final class GatewayPacks: Sendable {
    struct Refusal: Sendable, Equatable {
        var tenantID: String
        var revision: Int64
        var packID: String
        var version: String
        var reason: String
    }

    private let trust: PackTrust
    private let setTrust: PackSetTrust
    private let logger: Logger
    private let sets = Mutex<[UUID: ActivePackSet]>([:])
    /// False until the reader has consumed everything the topic held when the gateway started.
    private let caughtUp = Atomic<Bool>(false)
    private let refused = Counter(label: "palisade_gateway_packs_refused_total")
    private let loaded = Counter(label: "palisade_gateway_packs_loaded_total")

    init(trust: PackTrust, setTrust: PackSetTrust, logger: Logger) {
        self.trust = trust
        self.setTrust = setTrust
        self.logger = logger
    }

    /// The tenant's active packs, or nil while the gateway has not yet read the whole topic
    /// (a route's fail mode decides then).
    func packs(for tenant: UUID) -> ActivePackSet? {
        guard caughtUp.load(ordering: .acquiring) else { return nil }
        return sets.withLock { $0[tenant] } ?? .empty
    }

    @Sendable func isCaughtUp() -> Bool { caughtUp.load(ordering: .acquiring) }

    func markCaughtUp() {
        if !caughtUp.exchange(true, ordering: .acquiringAndReleasing) {
            logger.info("policy packs loaded", metadata: ["tenants": "\(sets.withLock { $0.count })"])
        }
    }

    /// Takes a tenant's new set; returns the packs in it that were refused (pack `*` when the
    /// whole set was: its seal did not verify). A set older than the one in force (a replay or
    /// a redelivery) changes nothing.
    func apply(_ set: Palisade_V1_PolicyPackSet) -> [Refusal] {
        guard let tenant = UUID(uuidString: set.tenantID) else { return [] }
        let previous = sets.withLock { $0[tenant] } ?? .empty
        guard set.revision > previous.revision else { return [] }
        // The seal first: which packs are in force, and how, is the policy service's word.
        if let reason = setTrust.refusal(message: set.sealMessage, seal: set.sealSignature) {
            let refusal = Refusal(tenantID: set.tenantID, revision: set.revision, packID: "*", version: "", reason: reason)
            report([refusal])
            return [refusal]
        }
        var packs: [LoadedPack] = []
        var refusals: [Refusal] = []
        for active in set.packs {
            switch load(active) {
            case .success(let pack):
                packs.append(pack)
                loaded.increment()
            case .failure(let reason):
                refusals.append(Refusal(tenantID: set.tenantID, revision: set.revision, packID: active.packID, version: active.version,
                                        reason: reason.message))
                // The last good version of this pack stays.
                if let kept = previous.packs.first(where: { $0.packID == active.packID }) { packs.append(kept) }
            }
        }
        // A set with a refused pack does not advance the revision: it must not hold back the
        // next good set, which the policy service numbers after the last one it published.
        let next = ActivePackSet(revision: refusals.isEmpty ? set.revision : previous.revision, packs: packs)
        sets.withLock { sets in
            if (sets[tenant]?.revision ?? 0) <= next.revision { sets[tenant] = next }
        }
        report(refusals)
        return refusals
    }

    private func report(_ refusals: [Refusal]) {
        for refusal in refusals {
            refused.increment()
            logger.warning("policy pack refused; the previous version stays in force", metadata: [
                "tenant_id": "\(refusal.tenantID)", "pack_id": "\(refusal.packID)", "version": "\(refusal.version)",
                "revision": "\(refusal.revision)", "reason": "\(refusal.reason)",
            ])
        }
    }

    struct LoadFailure: Error {
        var message: String
    }

    private func load(_ active: Palisade_V1_ActivePack) -> Result<LoadedPack, LoadFailure> {
        guard let mode = PackMode(rawValue: active.mode) else { return .failure(LoadFailure(message: "unknown mode '\(active.mode)'")) }
        let pack: PolicyPack
        let compiled: CompiledPack
        do {
            pack = try PackReader.read(String(decoding: active.document, as: UTF8.self))
            compiled = try CompiledPack(pack)
        } catch {
            return .failure(LoadFailure(message: "the document is not a valid pack: \(error)"))
        }
        guard pack.id == active.packID, pack.version.description == active.version else {
            return .failure(LoadFailure(message: "the document is \(pack.id) \(pack.version), not \(active.packID) \(active.version)"))
        }
        let signatures = active.keyID.isEmpty && active.signature.isEmpty ? [] : [PackSignature(keyID: active.keyID, value: active.signature)]
        if let refusal = trust.refusal(pack, signatures: signatures) { return .failure(LoadFailure(message: refusal)) }
        return .success(LoadedPack(compiled, mode: mode))
    }
}
