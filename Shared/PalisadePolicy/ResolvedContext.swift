/// What one decision has worked out so far: where its context holds the keys a pack's
/// conditions read, looked up once (instead of once per test) in the order of the pack's key
/// table, and the outcome of each test already run (rules share tests: `resource starts_with
/// "tool:crm."` in several rules runs once). Both live in buffers on the stack.
///
/// Measured: an inline array here was copied whole (384 bytes) at every test that read it.
struct ResolvedContext {
    // Invariant: both buffers are initialised, and valid only inside the `resolving` call
    // that made them (they are that call's stack allocations).
    /// Where each key's value lies in `context`: an index, not a copy, so that resolving
    /// retains nothing per value (a long string or a list was retained and released).
    private let positions: UnsafeBufferPointer<[String: PolicyValue].Index?>
    private let context: [String: PolicyValue]
    /// Per 64 tests, two words: which have run, and which of those held.
    private let outcomes: UnsafeMutableBufferPointer<UInt64>

    private init(_ positions: UnsafeBufferPointer<[String: PolicyValue].Index?>, _ context: [String: PolicyValue],
                 _ outcomes: UnsafeMutableBufferPointer<UInt64>) {
        self.positions = positions
        self.context = context
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
            return withUnsafeTemporaryAllocation(of: [String: PolicyValue].Index?.self, capacity: keys.count) { positions in
                positions.initialize(repeating: nil)
                let context = input.context
                if context.count <= keys.count * 2 {
                    // A context about the size of the key table: walking it costs no SipHash.
                    var position = context.startIndex
                    while position != context.endIndex {
                        if let slot = program.rootKeyTable.value(of: context.keys[position]) { positions[slot] = position }
                        context.formIndex(after: &position)
                    }
                } else {
                    for index in keys.indices { positions[index] = context.index(forKey: keys[index]) }
                }
                return body(ResolvedContext(UnsafeBufferPointer(positions), context, outcomes))
            }
        }
    }

    /// The value of key `slot`, nil when the context lacks it: copied only when a test reads it.
    @inline(__always)
    subscript(slot: Int) -> PolicyValue? {
        guard let position = positions[slot] else { return nil }
        return context.values[position]
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
