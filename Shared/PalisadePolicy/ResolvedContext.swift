/// A decision's context values for the keys a pack's conditions read, looked up once per
/// decision in the order of the pack's key table and kept inline (on the stack): the first
/// `inlineCapacity` keys; a pack reading more looks the rest up where they are tested.
struct ResolvedContext {
    static let inlineCapacity = 16

    private var values: InlineArray<16, PolicyValue?>

    init(_ keys: [String], of input: DecisionInput) {
        values = InlineArray(repeating: nil)
        for index in 0..<min(keys.count, Self.inlineCapacity) { values[index] = input.context[keys[index]] }
    }

    @inline(__always)
    func value(_ slot: Int, keys: [String], input: DecisionInput) -> PolicyValue? {
        slot < Self.inlineCapacity ? values[slot] : input.context[keys[slot]]
    }
}
