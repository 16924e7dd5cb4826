/// A literal that is not a list, stored inline (no box to retain while comparing).
enum ScalarLiteral: Sendable {
    case string(String)
    case number(Double)
    case bool(Bool)
    case null
}

/// A single `when` condition, compiled: a program holding just it (for checking a condition
/// on its own; a pack compiles all its rules into one `ConditionProgram`).
struct CompiledCondition {
    let program: ConditionProgram
    let root: Int32

    static func compile(_ text: String, resourceClasses: [String] = []) throws(ConditionError) -> CompiledCondition {
        let program = ConditionProgram(resourceClasses: resourceClasses)
        let node = try ConditionParser.parse(text)
        let root = try program.add(node)
        return CompiledCondition(program: program, root: root)
    }

    /// Whether the condition holds for `input`, whose resource is in the classes `classes`.
    func holds(_ input: DecisionInput, classes: UInt64) -> Bool {
        ResolvedContext.resolving(for: program, of: input) {
            program.holds(root, input, classes: classes, context: $0)
        }
    }
}

/// Conditions compiled once into flat arrays shared by all of them (one program per pack):
/// evaluating one walks indices from its root, compares strings and numbers in place and
/// allocates nothing.
///
/// A class holding every rule's condition: deciding reads one reference for the whole pack;
/// a class per rule cost a retain and a release per rule per decision, and a value copy would
/// retain each of its arrays (measured: half the decision time).
// @unchecked Sendable: every property is written only while conditions are being added
// (before the program is shared) and only read afterwards.
final class ConditionProgram: @unchecked Sendable {
    private enum NodeKind: UInt8, Sendable { case all, any, not, test }

    /// `all`/`any`: `children[first..<first + count]`; `not`: node `first`; `test`: `tests[first]`.
    private struct Node: Sendable {
        var kind: NodeKind
        var first: Int32
        var count: Int32
    }

    private enum Slot: UInt8, Sendable {
        case user, agent, roles, agentRoles, action, resource, resourceClasses, route, model, provider, findings, findingCategories, context
    }

    private enum LiteralKind: UInt8, Sendable { case none, string, number, bool, null, list, pattern, classes }

    /// One comparison; which members mean something depends on `literalKind`.
    private struct Test: Sendable {
        var slot: Slot
        var op: ConditionOperator
        var literalKind: LiteralKind
        /// `contextPaths` index for `.context`.
        var path: Int32 = -1
        /// `strings` index (string literals), `patterns` index, or the start of a list in `listItems`.
        var index: Int32 = 0
        var count: Int32 = 0
        var number: Double = 0
        var bool = false
        /// Resource-class bits for `resource.classes` tests.
        var classes: UInt64 = 0
        /// A context path of more than one key.
        var nested = false
    }

    private let resourceClasses: [String]
    private var nodes: [Node] = []
    private var children: [Int32] = []
    private var tests: [Test] = []
    /// Tests by what they compare, so a test written in several rules is compiled (and run
    /// per decision) once.
    private var testsByText: [String: Int32] = [:]
    private var strings: [String] = []
    /// The items of every list literal, each list a range.
    private var listItems: [ScalarLiteral] = []
    private var patterns: [LinearPattern] = []
    private var contextPaths: [[String]] = []
    /// For each of `contextPaths`, the index of its first key in `rootKeys`.
    private var contextRoots: [Int32] = []
    /// The top-level context keys the conditions read, by index: a decision looks each up once
    /// (see `ResolvedContext`) instead of once per test.
    private(set) var rootKeys: [String] = []
    /// `rootKeys` by name.
    private(set) var rootKeyTable = NameTable([])

    /// `resourceClasses` names the pack's resource classes, bit `i` for class `i`.
    init(resourceClasses: [String]) {
        self.resourceClasses = resourceClasses
    }

    var testCount: Int { tests.count }

    /// Compiles `condition` into the program; the result is its root, for `holds`.
    func add(_ condition: ConditionNode) throws(ConditionError) -> Int32 {
        try compile(condition)
    }

    // MARK: Evaluation

    /// Whether the condition at `root` holds for `input`, whose resource is in the classes
    /// `classes`, with the context's top-level values already looked up in `rootKeys` order.
    @inline(__always)
    func holds(_ root: Int32, _ input: DecisionInput, classes: UInt64, context: ResolvedContext) -> Bool {
        evaluate(root, input, classes, context)
    }

    private func evaluate(_ index: Int32, _ input: DecisionInput, _ classes: UInt64, _ context: ResolvedContext) -> Bool {
        let node = nodes[Int(index)]
        switch node.kind {
        case .all:
            for slot in Int(node.first)..<Int(node.first + node.count) where !evaluate(children[slot], input, classes, context) { return false }
            return true
        case .any:
            for slot in Int(node.first)..<Int(node.first + node.count) where evaluate(children[slot], input, classes, context) { return true }
            return false
        case .not:
            return !evaluate(node.first, input, classes, context)
        case .test:
            let index = Int(node.first)
            if let known = context.outcome(of: index) { return known }
            let holds = test(index, input, classes, context)
            context.record(holds, of: index)
            return holds
        }
    }

    // By index: the tests are read in place.
    private func test(_ index: Int, _ input: DecisionInput, _ classes: UInt64, _ context: ResolvedContext) -> Bool {
        let test = tests[index]
        switch test.slot {
        case .user: return string(test, input.user)
        case .agent: return string(test, input.agent)
        case .action: return string(test, input.action)
        case .resource: return string(test, input.resource)
        case .route: return string(test, input.route)
        case .model: return string(test, input.model)
        case .provider: return string(test, input.provider)
        case .roles: return list(test, input.roles)
        case .agentRoles: return list(test, input.agentRoles)
        case .findings: return list(test, input.findings)
        case .findingCategories: return list(test, input.findingCategories)
        case .resourceClasses:
            switch test.op {
            case .contains, .in: return classes & test.classes != 0
            case .notIn: return classes & test.classes == 0
            default: return classes != 0 // exists
            }
        case .context:
            let slot = Int(contextRoots[Int(test.path)])
            // Tested where it lies: binding a copy would retain a long string or a list.
            guard test.nested else { return dynamic(test, context[slot]) }
            guard var value = context[slot] else { return false }
            for key in contextPaths[Int(test.path)].dropFirst() {
                guard let inner = value[key] else { return false }
                value = inner
            }
            return dynamic(test, value)
        }
    }

    /// A string field; an absent one fails every test (`not … exists` asks for absence).
    @inline(__always)
    private func string(_ test: Test, _ value: String?) -> Bool {
        guard let value else { return false }
        switch test.op {
        case .eq: return value == strings[Int(test.index)]
        case .ne: return value != strings[Int(test.index)]
        case .in: return listHolds(value, test)
        case .notIn: return !listHolds(value, test)
        case .contains: return TextSearch.contains(value, strings[Int(test.index)])
        case .startsWith: return TextSearch.hasPrefix(value, strings[Int(test.index)])
        case .matches: return patterns[Int(test.index)].matches(value)
        case .exists: return !value.isEmpty
        case .gt, .gte, .lt, .lte: return false
        }
    }

    @inline(__always)
    private func list(_ test: Test, _ values: [String]) -> Bool {
        switch test.op {
        case .contains:
            let wanted = strings[Int(test.index)]
            for value in values where value == wanted { return true }
            return false
        case .in:
            for value in values where listHolds(value, test) { return true }
            return false
        case .notIn:
            for value in values where listHolds(value, test) { return false }
            return true
        case .exists:
            return !values.isEmpty
        default:
            return false
        }
    }

    @inline(__always)
    private func listHolds(_ value: String, _ test: Test) -> Bool {
        for slot in Int(test.index)..<Int(test.index + test.count) {
            if case .string(let item) = listItems[slot], item == value { return true }
        }
        return false
    }

    /// A context value (nil when absent): a test of the wrong type is false, never an error.
    private func dynamic(_ test: Test, _ value: PolicyValue?) -> Bool {
        switch (test.op, value) {
        case (_, nil):
            return false
        case (.exists, .some(let value)):
            return value != .null
        case (.eq, .some(let value)):
            return scalarEquals(value, test)
        case (.ne, .some(let value)):
            return value != .null && !scalarEquals(value, test)
        case (.in, .some(.list(let items))):
            return items.contains { inList($0, test) }
        case (.notIn, .some(.list(let items))):
            return !items.contains { inList($0, test) }
        case (.in, .some(let value)):
            return inList(value, test)
        case (.notIn, .some(let value)):
            return value != .null && !inList(value, test)
        case (.contains, .some(.string(let text))):
            return test.literalKind == .string && TextSearch.contains(text, strings[Int(test.index)])
        case (.contains, .some(.list(let items))):
            return items.contains { scalarEquals($0, test) }
        case (.startsWith, .some(.string(let text))):
            return TextSearch.hasPrefix(text, strings[Int(test.index)])
        case (.matches, .some(.string(let text))):
            return patterns[Int(test.index)].matches(text)
        case (.gt, .some(.number(let number))): return number > test.number
        case (.gte, .some(.number(let number))): return number >= test.number
        case (.lt, .some(.number(let number))): return number < test.number
        case (.lte, .some(.number(let number))): return number <= test.number
        default:
            return false
        }
    }

    @inline(__always)
    private func scalarEquals(_ value: PolicyValue, _ test: Test) -> Bool {
        switch (value, test.literalKind) {
        case (.string(let text), .string): return text == strings[Int(test.index)]
        case (.number(let number), .number): return number == test.number
        case (.bool(let flag), .bool): return flag == test.bool
        case (.null, .null): return true
        default: return false
        }
    }

    private func inList(_ value: PolicyValue, _ test: Test) -> Bool {
        for slot in Int(test.index)..<Int(test.index + test.count) {
            switch (value, listItems[slot]) {
            case (.string(let text), .string(let item)) where text == item: return true
            case (.number(let number), .number(let item)) where number == item: return true
            case (.bool(let flag), .bool(let item)) where flag == item: return true
            case (.null, .null): return true
            default: continue
            }
        }
        return false
    }

    // MARK: Guards

    /// A test a `RuleIndex` table can answer: the field it reads and how, and its literals.
    typealias IndexableTest = (key: GuardKey, literals: [String])

    /// Tests of which at least one holds whenever the condition at `root` does, each one a
    /// `RuleIndex` can answer by table; nil when some way to satisfy the condition needs none
    /// of them (a `not`, a number comparison, an `or` with such a branch).
    func guardTests(_ root: Int32) -> [IndexableTest]? {
        let node = nodes[Int(root)]
        // Only `all` and `any` nodes index `children`.
        var children: ArraySlice<Int32> { self.children[Int(node.first)..<Int(node.first + node.count)] }
        switch node.kind {
        case .test:
            return indexable(Int(node.first)).map { [$0] }
        case .all:
            // Any one part is necessary: the one with the fewest tests narrows most.
            return children.compactMap(guardTests).min { $0.count < $1.count }
        case .any:
            var union: [IndexableTest] = []
            for child in children {
                guard let tests = guardTests(child) else { return nil }
                union += tests
            }
            return union
        case .not:
            return nil
        }
    }

    /// The field test `index` reads, how, and its string literals, when a table can answer it
    /// (see `GuardKey`).
    private func indexable(_ index: Int) -> IndexableTest? {
        let test = tests[index]
        let literals: [String]
        switch test.literalKind {
        case .string:
            literals = [strings[Int(test.index)]]
        case .list:
            var items: [String] = []
            for slot in Int(test.index)..<Int(test.index + test.count) {
                guard case .string(let item) = listItems[slot] else { return nil }
                items.append(item)
            }
            literals = items
        default:
            return nil
        }
        let shape: GuardKey.Shape
        switch (test.op, test.literalKind) {
        case (.eq, .string), (.in, .list): shape = .equals
        case (.contains, .string): shape = .contains
        case (.startsWith, .string) where !literals[0].isEmpty: shape = .prefix
        default: return nil
        }
        let field: GuardKey.Field
        switch test.slot {
        case .user: field = .user
        case .agent: field = .agent
        case .action: field = .action
        case .resource: field = .resource
        case .route: field = .route
        case .model: field = .model
        case .provider: field = .provider
        case .roles: field = .roles
        case .agentRoles: field = .agentRoles
        case .findings: field = .findings
        case .findingCategories: field = .findingCategories
        case .context:
            guard !test.nested else { return nil }
            field = .context(Int(contextRoots[Int(test.path)]))
        case .resourceClasses:
            return nil
        }
        if field.isList {
            // A list field "contains" an item or has one "in" a list: both ask for an equal item.
            guard shape != .prefix else { return nil }
            return (GuardKey(field: field, shape: .equals), literals)
        }
        if shape == .contains && !field.isContext { return nil }  // a substring: no table answers it
        return (GuardKey(field: field, shape: shape), literals)
    }

    // MARK: Compilation

    private func compile(_ node: ConditionNode) throws(ConditionError) -> Int32 {
        switch node {
        case .all(let parts), .any(let parts):
            var compiled: [Int32] = []
            for part in parts { compiled.append(try compile(part)) }
            let first = Int32(children.count)
            children += compiled
            let kind: NodeKind
            if case .all = node { kind = .all } else { kind = .any }
            nodes.append(Node(kind: kind, first: first, count: Int32(compiled.count)))
        case .not(let inner):
            let child = try compile(inner)
            nodes.append(Node(kind: .not, first: child, count: 1))
        case .comparison(let field, let fieldOffset, let op, let literal, let literalOffset):
            let text = "\(field) \(op) \(literal.map { String(describing: $0) } ?? "")"
            if let existing = testsByText[text] {
                nodes.append(Node(kind: .test, first: existing, count: 1))
            } else {
                let test = try compileTest(field, fieldOffset: fieldOffset, op: op, literal: literal, literalOffset: literalOffset)
                tests.append(test)
                testsByText[text] = Int32(tests.count - 1)
                nodes.append(Node(kind: .test, first: Int32(tests.count - 1), count: 1))
            }
        }
        return Int32(nodes.count - 1)
    }

    private func compileTest(_ field: PolicyField, fieldOffset: Int, op: ConditionOperator, literal: PolicyLiteral?,
                             literalOffset: Int) throws(ConditionError) -> Test {
        func fail(_ message: String, at offset: Int? = nil) -> ConditionError {
            ConditionError(message: message, offset: offset ?? literalOffset)
        }
        var test = Test(slot: Self.slot(field), op: op, literalKind: .none)
        if case .context(let path) = field {
            contextPaths.append(path)
            test.path = Int32(contextPaths.count - 1)
            test.nested = path.count > 1
            if let index = rootKeys.firstIndex(of: path[0]) { contextRoots.append(Int32(index)) } else {
                rootKeys.append(path[0])
                rootKeyTable = NameTable(rootKeys.enumerated().map { ($1, $0) })
                contextRoots.append(Int32(rootKeys.count - 1))
            }
        }
        let name = Self.name(field)

        switch (field.kind, op) {
        case (_, .exists):
            return test
        case (.list, .eq), (.list, .ne), (.list, .startsWith), (.list, .matches), (.list, .gt), (.list, .gte), (.list, .lt), (.list, .lte):
            throw fail("\(name) is a list: use contains, in, not_in or exists", at: fieldOffset)
        case (.string, .gt), (.string, .gte), (.string, .lt), (.string, .lte):
            throw fail("\(name) is a string: \(op.rawValue) compares numbers", at: fieldOffset)
        default:
            break
        }
        guard let literal else { throw fail("\(op.rawValue) needs a value") }

        switch op {
        case .gt, .gte, .lt, .lte:
            guard case .number(let number) = literal else { throw fail("\(op.rawValue) needs a number") }
            test.literalKind = .number
            test.number = number
        case .in, .notIn:
            guard case .list(let items) = literal else { throw fail("\(op.rawValue) needs a [list]") }
            if field == .resourceClasses {
                test.literalKind = .classes
                test.classes = try Self.classBits(items, resourceClasses, at: literalOffset)
                return test
            }
            if field.kind != .dynamic, items.contains(where: { if case .string = $0 { false } else { true } }) {
                throw fail("\(name) holds strings: the list must hold strings only")
            }
            test.literalKind = .list
            test.index = Int32(listItems.count)
            test.count = Int32(items.count)
            for item in items { listItems.append(Self.scalar(item)) }
        case .matches:
            guard case .string(let source) = literal else { throw fail("matches needs a \"pattern\"") }
            do {
                patterns.append(try LinearPattern(source))
            } catch {
                // +1: the pattern's text starts after its opening quote.
                throw fail("pattern: \(error.message)", at: literalOffset + 1 + error.offset)
            }
            test.literalKind = .pattern
            test.index = Int32(patterns.count - 1)
        case .startsWith:
            guard case .string(let text) = literal else { throw fail("starts_with needs a \"string\"") }
            test.literalKind = .string
            test.index = appendString(text)
        case .contains:
            if field == .resourceClasses {
                test.literalKind = .classes
                test.classes = try Self.classBits([literal], resourceClasses, at: literalOffset)
                return test
            }
            guard literal.isScalar else { throw fail("contains needs one value, not a list") }
            if field.kind != .dynamic {
                guard case .string(let text) = literal else { throw fail("\(name) holds strings: contains needs a \"string\"") }
                test.literalKind = .string
                test.index = appendString(text)
            } else {
                setScalar(literal, into: &test)
            }
        case .eq, .ne:
            guard literal.isScalar else { throw fail("\(op.rawValue) compares one value; use in or not_in for a list") }
            if field.kind == .string {
                guard case .string(let text) = literal else { throw fail("\(name) is a string: compare it with a \"string\"") }
                test.literalKind = .string
                test.index = appendString(text)
            } else {
                setScalar(literal, into: &test)
            }
        case .exists:
            break
        }
        return test
    }

    private func setScalar(_ literal: PolicyLiteral, into test: inout Test) {
        switch literal {
        case .string(let text):
            test.literalKind = .string
            test.index = appendString(text)
        case .number(let number):
            test.literalKind = .number
            test.number = number
        case .bool(let flag):
            test.literalKind = .bool
            test.bool = flag
        case .null, .list:
            test.literalKind = .null
        }
    }

    private static func scalar(_ literal: PolicyLiteral) -> ScalarLiteral {
        switch literal {
        case .string(let value): .string(value)
        case .number(let value): .number(value)
        case .bool(let value): .bool(value)
        case .null, .list: .null
        }
    }

    private func appendString(_ text: String) -> Int32 {
        strings.append(text)
        return Int32(strings.count - 1)
    }

    private static func classBits(_ items: [PolicyLiteral], _ classes: [String], at offset: Int) throws(ConditionError) -> UInt64 {
        var bits: UInt64 = 0
        for item in items {
            guard case .string(let name) = item else {
                throw ConditionError(message: "resource.classes holds class names: use \"strings\"", offset: offset)
            }
            guard let index = classes.firstIndex(of: name) else {
                let known = classes.isEmpty ? "the pack defines none" : "the pack defines \(classes.joined(separator: ", "))"
                throw ConditionError(message: "no resource class '\(name)' (\(known))", offset: offset)
            }
            bits |= 1 << UInt64(index)
        }
        return bits
    }

    private static func slot(_ field: PolicyField) -> Slot {
        switch field {
        case .user: .user
        case .agent: .agent
        case .roles: .roles
        case .agentRoles: .agentRoles
        case .action: .action
        case .resource: .resource
        case .resourceClasses: .resourceClasses
        case .route: .route
        case .model: .model
        case .provider: .provider
        case .findings: .findings
        case .findingCategories: .findingCategories
        case .context: .context
        }
    }

    private static func name(_ field: PolicyField) -> String {
        if case .context(let path) = field { return "context." + path.joined(separator: ".") }
        return PolicyField.named.first { $0.1 == field }?.0 ?? "the field"
    }
}

/// Byte-wise substring and prefix tests over UTF-8 (what `contains` and `starts_with` mean).
enum TextSearch {
    static func hasPrefix(_ text: String, _ prefix: String) -> Bool {
        // Native strings are contiguous UTF-8: compare the bytes in place.
        let compared = text.utf8.withContiguousStorageIfAvailable { text in
            prefix.utf8.withContiguousStorageIfAvailable { prefix -> Bool in
                guard prefix.count <= text.count else { return false }
                for index in 0..<prefix.count where text[index] != prefix[index] { return false }
                return true
            }
        }
        if let compared, let compared { return compared }
        return text.utf8.starts(with: prefix.utf8)
    }

    static func contains(_ text: String, _ needle: String) -> Bool {
        if needle.isEmpty { return true }
        let found = text.utf8.withContiguousStorageIfAvailable { haystack in
            needle.utf8.withContiguousStorageIfAvailable { needle in search(haystack, needle) }
        }
        if let found, let found { return found }
        return search(Array(text.utf8)[...], Array(needle.utf8)[...])
    }

    private static func search<H: RandomAccessCollection<UInt8>, N: RandomAccessCollection<UInt8>>(_ haystack: H, _ needle: N) -> Bool
    where H.Index == Int, N.Index == Int {
        guard needle.count <= haystack.count, let first = needle.first else { return needle.isEmpty }
        var start = haystack.startIndex
        let lastStart = haystack.endIndex - needle.count
        while start <= lastStart {
            if haystack[start] == first {
                var offset = 1
                while offset < needle.count, haystack[start + offset] == needle[needle.startIndex + offset] { offset += 1 }
                if offset == needle.count { return true }
            }
            start += 1
        }
        return false
    }
}
