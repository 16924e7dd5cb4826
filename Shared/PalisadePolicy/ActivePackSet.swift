/// How an active pack takes part in decisions.
public enum PackMode: String, Sendable, CaseIterable {
    /// Its decisions are answered.
    case enforce
    /// Its decisions are computed and recorded, never answered.
    case shadow
}

/// One active pack, compiled.
public struct LoadedPack: Sendable {
    public let compiled: CompiledPack
    public let mode: PackMode

    public init(_ compiled: CompiledPack, mode: PackMode) {
        self.compiled = compiled
        self.mode = mode
    }

    public var packID: String { compiled.pack.id }
    public var version: String { compiled.pack.version.description }

    /// A tenant-wide pack applies to every request; a route-scoped one only to its routes.
    @inline(__always)
    public func applies(to route: String?) -> Bool {
        switch compiled.pack.scope {
        case .tenant: true
        case .routes(let routes): route.map(routes.contains) ?? false
        }
    }
}

/// A tenant's active packs, and how they decide together: every applicable enforced pack
/// decides and the most restrictive answer wins (the first pack by id among equals), so no
/// pack can loosen what another forbids; shadow packs are evaluated beside them and their
/// answers only reported.
public struct ActivePackSet: Sendable {
    /// Of the tenant's set on the packs topic (0: nothing active yet).
    public let revision: Int64
    /// By pack id.
    public let packs: [LoadedPack]

    public init(revision: Int64, packs: [LoadedPack]) {
        self.revision = revision
        self.packs = packs.sorted { $0.packID < $1.packID }
    }

    public static let empty = ActivePackSet(revision: 0, packs: [])

    /// A pack's answer, by index into `packs`.
    public struct Outcome: Sendable, Equatable {
        public var pack: Int
        public var decision: PackDecision
    }

    public struct Decision: Sendable {
        /// The deciding enforced pack's answer; nil when no enforced pack applies.
        public var enforced: Outcome?
        public var shadow: [Outcome]
    }

    public var hasEnforcedPacks: Bool { packs.contains { $0.mode == .enforce } }

    public func decide(_ input: DecisionInput) -> Decision {
        var enforced: Outcome?
        var shadow: [Outcome] = []
        for (index, pack) in packs.enumerated() where pack.applies(to: input.route) {
            let decision = pack.compiled.decide(input)
            switch pack.mode {
            case .enforce:
                if enforced.map({ decision.effect < $0.decision.effect }) ?? true { enforced = Outcome(pack: index, decision: decision) }
            case .shadow:
                shadow.append(Outcome(pack: index, decision: decision))
            }
        }
        return Decision(enforced: enforced, shadow: shadow)
    }

    /// `rules/<id>` and the like, for an outcome.
    public func path(of outcome: Outcome) -> String { packs[outcome.pack].compiled.path(of: outcome.decision) }

    /// An outcome in names: which pack and version, what it decided, why, and where in the pack.
    public func describe(_ outcome: Outcome) -> (packID: String, version: String, decision: String, reason: String, rulePath: String) {
        (packs[outcome.pack].packID, packs[outcome.pack].version, outcome.decision.effect.rawValue, outcome.decision.reason.rawValue,
         path(of: outcome))
    }
}
