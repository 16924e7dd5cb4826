/// A decision's context values for the keys a pack's conditions read, looked up once per
/// decision (instead of once per test) in the order of the pack's key table, into a buffer on
/// the stack that tests read in place.
///
/// Measured: an inline array here was copied whole (384 bytes) at every test that read it.
struct ResolvedContext {
    // Invariant: initialised for every key, and valid only inside the `resolving` call that
    // made it (the buffer is that call's stack allocation).
    private let values: UnsafeBufferPointer<PolicyValue?>

    private init(_ values: UnsafeBufferPointer<PolicyValue?>) {
        self.values = values
    }

    /// Runs `body` with the values of `keys` in `input`'s context; `table` maps each of `keys`
    /// to its index.
    @inline(__always)
    static func resolving<Result>(_ keys: [String], table: NameTable, of input: DecisionInput,
                                  _ body: (ResolvedContext) -> Result) -> Result {
        withUnsafeTemporaryAllocation(of: PolicyValue?.self, capacity: keys.count) { buffer in
            buffer.initialize(repeating: nil)
            defer { _ = buffer.deinitialize() }
            if input.context.count <= keys.count * 2 {
                // A context about the size of the key table: walking it costs no SipHash.
                for (key, value) in input.context {
                    if let slot = table.value(of: key) { buffer[slot] = value }
                }
            } else {
                for index in keys.indices { buffer[index] = input.context[keys[index]] }
            }
            return body(ResolvedContext(UnsafeBufferPointer(buffer)))
        }
    }

    /// The value of key `slot`, nil when the context lacks it; read in place, not copied.
    @inline(__always)
    subscript(slot: Int) -> PolicyValue? {
        _read { yield values[slot] }
    }
}
