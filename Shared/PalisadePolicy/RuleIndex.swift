/// A field a table of test literals can be asked about, and how the tests read it.
struct GuardKey: Hashable, Sendable {
    enum Field: Hashable, Sendable {
        case user, agent, action, resource, route, model, provider
        case roles, agentRoles, findings, findingCategories
        /// A top-level context key, by its index in the program's `rootKeys`.
        case context(Int)

        var isList: Bool {
            switch self {
            case .roles, .agentRoles, .findings, .findingCategories: true
            default: false
            }
        }

        var isContext: Bool {
            if case .context = self { return true }
            return false
        }
    }

    enum Shape: Hashable, Sendable {
        /// `eq` or `in` with strings: the value (for lists, an item) equals a literal.
        case equals
        /// `contains` on a context value: an item equals the literal when the value is a list
        /// (a substring test when it is a string, which no table answers).
        case contains
        /// `starts_with`: the value's bytes start with a literal's.
        case prefix
    }

    var field: Field
    var shape: Shape
}

/// The rules a decision has to evaluate: those whose condition could hold for the request.
/// Each rule's guard (`ConditionProgram.guardTests`) names tests of which one must hold for
/// the rule to; tests on the same field are put in one table, so a request's value finds the
/// tests it can satisfy with a lookup instead of running them rule by rule. Rules without a
/// guard are always evaluated.
///
/// The answer is a superset: every rule whose condition holds is among the candidates (a
/// value a table cannot judge exactly marks all of that table's rules), so evaluating the
/// candidates in pack order decides exactly as evaluating every rule would.
struct RuleIndex: Sendable {
    /// Words of the candidate bit set (bit `i` is rule `i`).
    let wordCount: Int
    private let unguarded: [UInt64]
    /// One table per field and shape, holding the literals of the guard tests that key says.
    private let groups: [(key: GuardKey, table: LiteralTable)]

    /// `guards[i]` is rule `i`'s guard (`ConditionProgram.guardTests`).
    init(guards: [[ConditionProgram.IndexableTest]?]) {
        wordCount = max(1, (guards.count + 63) / 64)
        var unguarded = [UInt64](repeating: 0, count: wordCount)
        var literalsByKey: [GuardKey: [(literal: [UInt8], rules: [Int32])]] = [:]
        for (rule, tests) in guards.enumerated() {
            guard let tests else {
                unguarded[rule >> 6] |= 1 << UInt64(rule & 63)
                continue
            }
            for (key, literals) in tests {
                for literal in literals { literalsByKey[key, default: []].append((Array(literal.utf8), [Int32(rule)])) }
            }
        }
        self.unguarded = unguarded
        groups = literalsByKey.map { key, literals in (key, LiteralTable(literals, prefixes: key.shape == .prefix)) }
    }

    /// Writes the candidate rules for `input` into `words` (`wordCount` of them).
    func candidates(_ input: DecisionInput, _ context: ResolvedContext, into words: UnsafeMutableBufferPointer<UInt64>) {
        for index in 0..<wordCount { words[index] = unguarded[index] }
        @inline(__always) func mark(_ rule: Int32) { words[Int(rule) >> 6] |= 1 << UInt64(rule & 63) }
        for (key, table) in groups {
            switch key.field {
            case .user: Self.lookUp(input.user, in: table, key.shape, mark)
            case .agent: if let agent = input.agent { Self.lookUp(agent, in: table, key.shape, mark) }
            case .action: Self.lookUp(input.action, in: table, key.shape, mark)
            case .resource: Self.lookUp(input.resource, in: table, key.shape, mark)
            case .route: if let route = input.route { Self.lookUp(route, in: table, key.shape, mark) }
            case .model: if let model = input.model { Self.lookUp(model, in: table, key.shape, mark) }
            case .provider: if let provider = input.provider { Self.lookUp(provider, in: table, key.shape, mark) }
            case .roles: for role in input.roles { Self.lookUp(role, in: table, .equals, mark) }
            case .agentRoles: for role in input.agentRoles { Self.lookUp(role, in: table, .equals, mark) }
            case .findings: for finding in input.findings { Self.lookUp(finding, in: table, .equals, mark) }
            case .findingCategories: for category in input.findingCategories { Self.lookUp(category, in: table, .equals, mark) }
            case .context(let slot):
                Self.lookUp(context[slot], in: table, key.shape, mark)
            }
        }
    }

    /// A context value: a string is looked up; a list's string items are, for the tests that
    /// read items (`in`, and `contains` on a list); anything else satisfies no string test.
    @inline(__always)
    private static func lookUp(_ value: PolicyValue?, in table: LiteralTable, _ shape: GuardKey.Shape, _ mark: (Int32) -> Void) {
        switch value {
        case .string(let text):
            if shape == .contains {
                // A substring test: every literal might be inside.
                for rule in table.allRules { mark(rule) }
            } else {
                lookUp(text, in: table, shape, mark)
            }
        case .list(let items) where shape != .prefix:
            for item in items {
                if case .string(let text) = item { lookUp(text, in: table, .equals, mark) }
            }
        default:
            break
        }
    }

    @inline(__always)
    private static func lookUp(_ text: String, in table: LiteralTable, _ shape: GuardKey.Shape, _ mark: (Int32) -> Void) {
        let answered: Void? = text.utf8.withContiguousStorageIfAvailable { bytes in
            lookUp(bytes, in: table, shape, mark)
        }
        if answered == nil {
            Array(text.utf8).withUnsafeBufferPointer { lookUp($0, in: table, shape, mark) }
        }
    }

    @inline(__always)
    private static func lookUp(_ bytes: UnsafeBufferPointer<UInt8>, in table: LiteralTable, _ shape: GuardKey.Shape,
                               _ mark: (Int32) -> Void) {
        // Equal strings are canonically equivalent ones ("\u{212A}" is "K"); bytes decide that
        // only for ASCII, so any other value might equal any literal.
        if shape != .prefix && !isASCII(bytes) {
            for rule in table.allRules { mark(rule) }
            return
        }
        table.forEachMatch(bytes, mark)
    }

    @inline(__always)
    private static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var high: UInt8 = 0
        for byte in bytes { high |= byte }
        return high < 0x80
    }
}
