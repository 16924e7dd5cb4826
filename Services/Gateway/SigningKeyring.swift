import Foundation
import Logging
import PalisadeAuth
import Synchronization

/// The gateway's platform signing keys in memory: which one signs now, and which are
/// published. Refreshed from `SigningKeyStore` on every rotation tick; it is also the key
/// source of the gateway's own verifier.
final class SigningKeyring: PlatformKeySource, Sendable {
    struct Policy: Sendable {
        var rotation: TimeInterval
        var publishAhead: TimeInterval
        /// How long a key stays published after its successor took over.
        var retention: TimeInterval { PlatformClaims.maximumLifetime + 60 }
        /// How often to look at the schedule: a quarter of the rotation, 0.25 to 30 seconds.
        var checkInterval: Duration { .milliseconds(Int(min(30_000, max(250, rotation * 250)))) }
    }

    private struct Signer: Sendable {
        var signsFrom: Date
        var kid: String
        var issuer: PlatformTokenIssuer
    }

    private let store: SigningKeyStore
    private let policy: Policy
    private let logger: Logger
    private let signers = Mutex<[Signer]>([])
    private let published = Mutex<[PlatformVerifyingKey]>([])

    init(store: SigningKeyStore, policy: Policy, logger: Logger) {
        self.store = store
        self.policy = policy
        self.logger = logger
    }

    /// One rotation tick: schedule and retire keys, then reload.
    func rotate() async throws {
        let schedule = try await store.rotate(every: policy.rotation, publishAhead: policy.publishAhead,
                                              retention: policy.retention, logger: logger)
        var loaded: [Signer] = []
        let known = signers.withLock { Dictionary(uniqueKeysWithValues: $0.map { ($0.kid, $0) }) }
        for entry in schedule {
            if let signer = known[entry.key.kid] {
                loaded.append(signer)
            } else {
                loaded.append(Signer(signsFrom: entry.signsFrom, kid: entry.key.kid,
                                     issuer: await PlatformTokenIssuer(signingKey: entry.key)))
            }
        }
        signers.withLock { $0 = loaded }
        published.withLock { $0 = schedule.map(\.key.verifyingKey) }
    }

    /// The key whose turn it is; rotates once first if none was loaded yet (start-up).
    func current(now: Date = Date()) async throws -> (kid: String, issuer: PlatformTokenIssuer) {
        if let signer = active(now: now) { return (signer.kid, signer.issuer) }
        try await rotate()
        guard let signer = active(now: now) else { throw SigningKeyUnavailable() }
        return (signer.kid, signer.issuer)
    }

    private func active(now: Date) -> Signer? {
        signers.withLock { $0.last(where: { $0.signsFrom <= now }) }
    }

    func verifyingKeys() async throws -> [PlatformVerifyingKey] {
        published.withLock { $0 }
    }
}

struct SigningKeyUnavailable: Error, CustomStringConvertible {
    var description: String { "no platform signing key is active yet" }
}
