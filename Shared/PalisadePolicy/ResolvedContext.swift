/// What one decision has worked out so far: its context values for the keys a pack's
/// conditions read, looked up once (instead of once per test) in the order of the pack's key
/// table, and the outcome of each test already run (rules share tests: `resource starts_with
/// "tool:crm."` in several rules runs once). Both live in buffers on the stack.
///
/// Measured: an inline array here was copied whole (384 bytes) at every test that read it.
struct ResolvedContext {
    // Invariant: both buffers are initialised, and valid only inside the `resolving` call
    // that made them (they are that call's stack allocations).
    private let values: UnsafeBufferPointer<PolicyValue?>
    /// Per 64 tests, two words: which have run, and which of those held.
    private let outcomes: UnsafeMutableBufferPointer<UInt64>

    private init(_ values: UnsafeBufferPointer<PolicyValue?>, _ outcomes: UnsafeMutableBufferPointer<UInt64>) {
        self.values = values
        self.outcomes = outcomes
    }

    /// Runs `body` with the values of `program`'s context keys in `input`'s context and room
    /// for the outcomes of its tests.
    @inline(__always)
    static func resolving<Result>(for program: ConditionProgram, of input: DecisionInput,
                                  _ body: (ResolvedContext) -> Result) -> Result {
        let keys = program.rootKeys
        return withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 2 * ((program.testCount + 63) / 64)) { outcomes in
            outcomes.initialize(repeating: 0)
            return withUnsafeTemporaryAllocation(of: PolicyValue?.self, capacity: keys.count) { values in
                values.initialize(repeating: nil)
                defer { _ = values.deinitialize() }
                if input.context.count <= keys.count * 2 {
                    // A context about the size of the key table: walking it costs no SipHash.
                    for (key, value) in input.context {
                        if let slot = program.rootKeyTable.value(of: key) { values[slot] = value }
                    }
                } else {
                    for index in keys.indices { values[index] = input.context[keys[index]] }
                }
                return body(ResolvedContext(UnsafeBufferPointer(values), outcomes))
            }
        }
    }

    /// The value of key `slot`, nil when the context lacks it; read in place, not copied.
    @inline(__always)
    subscript(slot: Int) -> PolicyValue? {
        _read { yield values[slot] }
    }

    /// The outcome of test `index`, if it has run.
    @inline(__always)
    func outcome(of index: Int) -> Bool? {
        let bit: UInt64 = 1 << UInt64(index & 63)
        let word = (index >> 6) << 1
        guard outcomes[word] & bit != 0 else { return nil }
        return outcomes[word + 1] & bit != 0
    }

    @inline(__always)
    func record(_ holds: Bool, of index: Int) {
        let bit: UInt64 = 1 << UInt64(index & 63)
        let word = (index >> 6) << 1
        outcomes[word] |= bit
        if holds { outcomes[word + 1] |= bit }
    }
}
