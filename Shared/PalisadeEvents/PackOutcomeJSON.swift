extension Palisade_V1_PackOutcome {
    /// From `ActivePackSet.describe(_:)`.
    public init(_ named: (packID: String, version: String, decision: String, reason: String, rulePath: String)) {
        self.init()
        packID = named.packID
        packVersion = named.version
        decision = named.decision
        reason = named.reason
        rulePath = named.rulePath
    }

    /// The outcome as the ledger records it.
    public var jsonValue: JSONValue {
        .object([
            "pack_id": .string(packID), "pack_version": .string(packVersion), "decision": .string(decision),
            "reason": .string(reason), "rule_path": .string(rulePath),
        ])
    }
}
