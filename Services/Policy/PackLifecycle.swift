import Foundation
import Logging
import PalisadeAuth
import PalisadeEvents
import PalisadePolicy
import PalisadeService
import PalisadeStore

/// create → sign → activate (enforce or shadow) → roll back or deactivate. Every step is one
/// transaction holding its audit entry and, when the tenant's active set changed, the new set
/// for the packs topic; both are published after the commit (the relay retries what is left).
struct PackLifecycle: Sendable {
    let store: PackStore
    let outbox: TransactionalOutbox
    let active: ActivePacks
    let trust: PackTrust
    /// Seals each published set (`PackSetSeal`); nil leaves sets unsealed (development).
    let sealer: PackSigningKey?

    func create(_ signed: SignedPack, scope: TenantScope, requestID: String, logger: Logger) async throws -> PackStore.CreateOutcome {
        let signatures = signed.signature.map { [$0] } ?? []
        for signature in signatures {
            let verification = trust.keys.verify(signed.pack, signature: signature)
            guard verification.isVerified else { throw Self.signatureProblem(verification) }
        }
        let outbox = outbox
        let outcome = try await store.create(signed.pack, signatures: signatures, scope: scope, logger: logger) { stored, connection in
            try await outbox.stage([try PolicyRecords.audit("policy.pack_version_created", scope: scope, requestID: requestID, subject: [
                "pack_id": .string(stored.packID), "version": .string(stored.version), "digest": .string(Hex.encode(stored.digest)),
                "signed_by": .array(stored.signatures.map { .string($0.keyID) }),
            ])], on: connection, logger: logger)
        }
        if case .created = outcome { await outbox.flush(tenant: scope.tenantID, logger: logger) }
        return outcome
    }

    /// Nil when the version does not exist.
    func sign(_ packID: String, version: String, signature: PackSignature, scope: TenantScope, requestID: String,
              logger: Logger) async throws -> StoredVersion? {
        guard let stored = try await store.version(packID, version, scope: scope, logger: logger) else { return nil }
        let pack = try PackReader.read(stored.document)
        let verification = trust.keys.verify(pack, signature: signature)
        guard verification.isVerified else { throw Self.signatureProblem(verification) }
        let outbox = outbox
        guard try await store.addSignature(signature, pack: packID, version: version, scope: scope, logger: logger, stage: { connection in
            try await outbox.stage([try PolicyRecords.audit("policy.pack_signed", scope: scope, requestID: requestID, subject: [
                "pack_id": .string(packID), "version": .string(version), "key_id": .string(signature.keyID),
            ])], on: connection, logger: logger)
        }) else { return nil }
        await outbox.flush(tenant: scope.tenantID, logger: logger)
        return try await store.version(packID, version, scope: scope, logger: logger)
    }

    func change(_ change: PackStore.SetChange, pack packID: String, scope: TenantScope, requestID: String,
                logger: Logger) async throws -> PackStore.SetOutcome {
        let trust = trust
        let outbox = outbox
        let kind = switch change {
        case .activate: "policy.pack_activated"
        case .rollback: "policy.pack_rolled_back"
        case .deactivate: "policy.pack_deactivated"
        }
        let outcome = try await store.change(change, pack: packID, scope: scope, requestID: requestID, logger: logger) { stored in
            let pack = try PackReader.read(stored.document)
            if let refusal = trust.refusal(pack, signatures: stored.signatures) {
                throw Problem(.conflict, slug: "pack-not-trusted", title: "Pack not trusted",
                              detail: "\(stored.packID) \(stored.version) cannot be activated: \(refusal)")
            }
        } stage: { outcome, connection in
            var subject: [String: JSONValue] = ["pack_id": .string(packID), "revision": .integer(outcome.revision)]
            if let activation = outcome.activation {
                subject["version"] = .string(activation.version)
                subject["mode"] = .string(activation.mode.rawValue)
            }
            if let previous = outcome.previous {
                subject["previous_version"] = .string(previous.version)
                subject["previous_mode"] = .string(previous.mode.rawValue)
            }
            try await outbox.stage([
                try PolicyRecords.audit(kind, scope: scope, requestID: requestID, subject: subject),
                try PolicyRecords.packSet(tenant: scope.tenantID, revision: outcome.revision, active: outcome.active, sealer: sealer,
                                          requestID: requestID),
            ], on: connection, logger: logger)
        }
        active.install(scope.tenantID, revision: outcome.revision, active: outcome.active)
        await outbox.flush(tenant: scope.tenantID, logger: logger)
        return outcome
    }

    static func signatureProblem(_ verification: PackVerification) -> Problem {
        let detail = switch verification {
        case .verified, .unsigned: "the signature is missing"
        case .unknownKey(let id): "the pack is signed by \(id), a key this deployment does not trust"
        case .invalidSignature(let id): "the signature by \(id) does not match the pack (was it edited after signing?)"
        }
        return Problem.invalid("the signature is not valid", errors: [ProblemField(index: nil, field: "signature", reason: detail)])
    }
}
