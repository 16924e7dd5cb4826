import Foundation
import Yams

/// One thing wrong with a pack, where it is in the source (1-based line and column).
public struct PackProblem: Sendable, Equatable, CustomStringConvertible {
    public var line: Int
    public var column: Int
    /// The field it concerns (`rules[2].when`).
    public var path: String
    public var message: String

    public var description: String { "\(line):\(column): \(path.isEmpty ? "" : "\(path): ")\(message)" }
}

/// Every problem of a pack that does not read or compile, in source order.
public struct PackProblems: Error, Sendable, CustomStringConvertible {
    public var problems: [PackProblem]

    public var description: String { problems.map(\.description).joined(separator: "\n") }
}

/// Reads a policy pack from YAML or JSON (JSON is read as YAML's flow style, so both give
/// positions): every problem is collected with its line and column, none stops the rest.
public struct PackReader {
    /// Larger sources are refused before parsing.
    public static let maximumSourceBytes = 1 << 20
    /// Nodes visited at most (aliases can make a small file a huge tree).
    static let maximumNodes = 200_000

    private var problems: [PackProblem] = []
    private var visited = 0
    private let lines: [Substring]

    private init(source: String) {
        lines = source.split(separator: "\n", omittingEmptySubsequences: false)
    }

    /// A pack, signed or not (see `readSigned`), without its signature.
    public static func read(_ source: String) throws(PackProblems) -> PolicyPack {
        try readSigned(source).pack
    }

    /// A pack as written (its fields at the top), or as it travels signed:
    /// `{"pack": {…}, "signature": {"algorithm": "Ed25519", "key_id", "value"}}`.
    public static func readSigned(_ source: String) throws(PackProblems) -> SignedPack {
        guard source.utf8.count <= maximumSourceBytes else {
            throw PackProblems(problems: [PackProblem(line: 1, column: 1, path: "", message: "a pack is at most \(maximumSourceBytes) bytes")])
        }
        var reader = PackReader(source: source)
        let root: Node?
        do {
            root = try Yams.compose(yaml: source)
        } catch {
            throw PackProblems(problems: [reader.syntaxProblem(error)])
        }
        guard let root, case .mapping(var mapping) = root else {
            throw PackProblems(problems: [PackProblem(line: 1, column: 1, path: "", message: "a pack is a mapping (id, version, rules, …)")])
        }
        var signature: PackSignature?
        if mapping.contains(where: { $0.key.scalar?.string == "pack" }) {
            let envelope = reader.members(mapping, path: "", allowed: ["pack", "signature"])
            if let node = envelope["signature"] { signature = reader.signature(node) }
            guard let packNode = envelope["pack"], case .mapping(let inner) = packNode else {
                reader.problem(root, "pack", "pack is a mapping (id, version, rules, …)")
                throw PackProblems(problems: reader.problems)
            }
            mapping = inner
        }
        let pack = reader.pack(mapping)
        if let pack { reader.checkConditions(pack) }
        guard let pack, reader.problems.isEmpty else {
            throw PackProblems(problems: reader.problems.sorted { ($0.line, $0.column) < ($1.line, $1.column) })
        }
        return SignedPack(pack: pack, signature: signature)
    }

    private mutating func signature(_ node: Node) -> PackSignature? {
        guard case .mapping(let mapping) = node else {
            problem(node, "signature", "signature is a mapping (algorithm, key_id, value)")
            return nil
        }
        let fields = members(mapping, path: "signature", allowed: ["algorithm", "key_id", "value"])
        let algorithm = string(fields["algorithm"], path: "signature.algorithm", required: true, node: node)
        if let algorithm, algorithm != PackSignature.algorithm, let algorithmNode = fields["algorithm"] {
            problem(algorithmNode, "signature.algorithm", "only Ed25519 signatures are accepted")
        }
        let keyID = name(fields["key_id"], path: "signature.key_id", required: true, node: node)
        let encoded = string(fields["value"], path: "signature.value", required: true, node: node)
        let value = encoded.flatMap { Data(base64Encoded: $0) }
        if encoded != nil, value?.count != 64, let valueNode = fields["value"] {
            problem(valueNode, "signature.value", "an Ed25519 signature is 64 bytes in base64")
        }
        guard algorithm == PackSignature.algorithm, let keyID, let value, value.count == 64 else { return nil }
        return PackSignature(keyID: keyID, value: value)
    }

    // MARK: The pack's fields

    private static let packKeys: Set<String> = [
        "id", "version", "description", "default_action", "scope", "roles", "agents", "resource_classes", "rules", "approval",
        "triggers",
    ]

    private mutating func pack(_ mapping: Node.Mapping) -> PolicyPack? {
        let fields = members(mapping, path: "", allowed: Self.packKeys)
        let id = name(fields["id"], path: "id", required: true)
        let versionText = string(fields["version"], path: "version", required: true)
        var version: SemanticVersion?
        if let versionText {
            version = SemanticVersion(versionText)
            if version == nil, let node = fields["version"] {
                problem(node, "version", "'\(versionText)' is not a semantic version (major.minor.patch)")
            }
        }
        let description = string(fields["description"], path: "description") ?? ""
        let defaultAction = fields["default_action"].flatMap { effect($0, path: "default_action") } ?? .deny
        var scope = PackScope.tenant
        if let node = fields["scope"], let parsed = self.scope(node) { scope = parsed }
        var roles: [String: RoleGrant] = [:]
        var resourceClasses: [String: [String]] = [:]
        if let node = fields["resource_classes"] {
            for (className, patternsNode) in namedMembers(node, path: "resource_classes") {
                resourceClasses[className] = patterns(patternsNode, path: "resource_classes.\(className)")
            }
            if resourceClasses.count > 64 { problem(node, "resource_classes", "at most 64 resource classes") }
        }
        if let node = fields["roles"] {
            for (roleName, roleNode) in namedMembers(node, path: "roles") {
                if let grant = role(roleNode, path: "roles.\(roleName)", classes: resourceClasses) { roles[roleName] = grant }
            }
        }
        var agents: [String: [String]] = [:]
        if let node = fields["agents"] {
            for (agentName, agentNode) in namedMembers(node, path: "agents") {
                let path = "agents.\(agentName)"
                guard case .mapping(let agentMapping) = agentNode else {
                    problem(agentNode, path, "an agent is a mapping with its roles")
                    continue
                }
                let agentFields = members(agentMapping, path: path, allowed: ["roles"])
                let names = strings(agentFields["roles"], path: path + ".roles") ?? []
                for roleName in names where roles[roleName] == nil {
                    problem(agentFields["roles"] ?? agentNode, path + ".roles", "no role '\(roleName)' in this pack")
                }
                agents[agentName] = names
            }
        }
        var rules: [PackRule] = []
        if let node = fields["rules"] {
            if case .sequence(let sequence) = node {
                var seen: Set<String> = []
                for (index, ruleNode) in sequence.enumerated() where withinBudget {
                    guard let rule = rule(ruleNode, path: "rules[\(index)]") else { continue }
                    if !seen.insert(rule.ruleID).inserted { problem(ruleNode, "rules[\(index)].rule_id", "rule id '\(rule.ruleID)' is used twice") }
                    rules.append(rule)
                }
            } else {
                problem(node, "rules", "rules is a list")
            }
        }
        var approvalExpiry = PolicyPack.defaultApprovalExpirySeconds
        if let node = fields["approval"] {
            if case .mapping(let approval) = node {
                let approvalFields = members(approval, path: "approval", allowed: ["expires_in_seconds"])
                if let expiry = approvalFields["expires_in_seconds"] {
                    if let text = expiry.scalar?.string, let seconds = Int(text), (1...(30 * 86_400)).contains(seconds) {
                        approvalExpiry = seconds
                    } else {
                        problem(expiry, "approval.expires_in_seconds", "a whole number of seconds from 1 to 2592000 (30 days)")
                    }
                }
            } else {
                problem(node, "approval", "approval is a mapping (expires_in_seconds)")
            }
        }
        var triggers: [PackTrigger] = []
        if let node = fields["triggers"] {
            if case .sequence(let sequence) = node {
                var seen: Set<String> = []
                for (index, triggerNode) in sequence.enumerated() where withinBudget {
                    guard let trigger = trigger(triggerNode, path: "triggers[\(index)]") else { continue }
                    if !seen.insert(trigger.triggerID).inserted {
                        problem(triggerNode, "triggers[\(index)].trigger_id", "trigger id '\(trigger.triggerID)' is used twice")
                    }
                    triggers.append(trigger)
                }
            } else {
                problem(node, "triggers", "triggers is a list")
            }
        }
        guard let id, let version else { return nil }
        return PolicyPack(id: id, version: version, description: description, defaultAction: defaultAction, scope: scope, roles: roles,
                          agents: agents, resourceClasses: resourceClasses, rules: rules, approvalExpirySeconds: approvalExpiry,
                          triggers: triggers)
    }

    private mutating func scope(_ node: Node) -> PackScope? {
        if let text = node.scalar?.string {
            guard text == "tenant" else {
                problem(node, "scope", "scope is 'tenant' or a mapping {routes: [...]}")
                return nil
            }
            return .tenant
        }
        guard case .mapping(let mapping) = node else {
            problem(node, "scope", "scope is 'tenant' or a mapping {routes: [...]}")
            return nil
        }
        let fields = members(mapping, path: "scope", allowed: ["routes"])
        guard let routes = strings(fields["routes"], path: "scope.routes", required: true, node: node), !routes.isEmpty else {
            if fields["routes"] != nil { problem(node, "scope.routes", "list at least one route") }
            return nil
        }
        return .routes(routes)
    }

    private mutating func role(_ node: Node, path: String, classes: [String: [String]]) -> RoleGrant? {
        guard case .mapping(let mapping) = node else {
            problem(node, path, "a role is a mapping (permissions, sensitive)")
            return nil
        }
        let fields = members(mapping, path: path, allowed: ["permissions", "sensitive"])
        var permissions: [Permission] = []
        if let list = fields["permissions"] {
            if case .sequence(let sequence) = list {
                for (index, item) in sequence.enumerated() where withinBudget {
                    let itemPath = "\(path).permissions[\(index)]"
                    guard case .mapping(let permission) = item else {
                        problem(item, itemPath, "a permission is a mapping {actions, resources}")
                        continue
                    }
                    let permissionFields = members(permission, path: itemPath, allowed: ["actions", "resources"])
                    let actions = patterns(permissionFields["actions"], path: itemPath + ".actions", required: true, node: item)
                    let resources = patterns(permissionFields["resources"], path: itemPath + ".resources", required: true, node: item)
                    if let actions, let resources { permissions.append(Permission(actions: actions, resources: resources)) }
                }
            } else {
                problem(list, path + ".permissions", "permissions is a list")
            }
        }
        var sensitive: [String: PolicyEffect] = [:]
        if let node = fields["sensitive"] {
            for (className, effectNode) in namedMembers(node, path: path + ".sensitive") {
                if classes[className] == nil {
                    problem(effectNode, "\(path).sensitive.\(className)", "no resource class '\(className)' in resource_classes")
                }
                if let effect = effect(effectNode, path: "\(path).sensitive.\(className)") { sensitive[className] = effect }
            }
        }
        return RoleGrant(permissions: permissions, sensitive: sensitive)
    }

    private static let ruleKeys: Set<String> = ["rule_id", "description", "severity", "when", "action"]

    private mutating func rule(_ node: Node, path: String) -> PackRule? {
        guard case .mapping(let mapping) = node else {
            problem(node, path, "a rule is a mapping (rule_id, severity, when, action)")
            return nil
        }
        let fields = members(mapping, path: path, allowed: Self.ruleKeys)
        let ruleID = name(fields["rule_id"], path: path + ".rule_id", required: true, node: node)
        let description = string(fields["description"], path: path + ".description") ?? ""
        let severity: RuleSeverity = fields["severity"].flatMap { self.severity($0, path: path + ".severity") } ?? .medium
        let when = string(fields["when"], path: path + ".when", required: true, node: node)
        let action = fields["action"].flatMap { effect($0, path: path + ".action") }
        if fields["action"] == nil { problem(node, path + ".action", "a rule needs an action (allow, deny or require_approval)") }
        guard let ruleID, let when, let action else { return nil }
        return PackRule(ruleID: ruleID, description: description, severity: severity, when: when, action: action,
                        whenSource: fields["when"].flatMap(Self.span))
    }

    private static let triggerKeys: Set<String> = [
        "trigger_id", "description", "severity", "metric", "window_seconds", "gt", "gte", "lt", "lte", "drift", "min_events", "action",
    ]

    private mutating func trigger(_ node: Node, path: String) -> PackTrigger? {
        guard case .mapping(let mapping) = node else {
            problem(node, path, "a trigger is a mapping (trigger_id, metric, window_seconds, a threshold or drift, action)")
            return nil
        }
        let fields = members(mapping, path: path, allowed: Self.triggerKeys)
        let triggerID = name(fields["trigger_id"], path: path + ".trigger_id", required: true, node: node)
        let description = string(fields["description"], path: path + ".description") ?? ""
        let severity: RuleSeverity = fields["severity"].flatMap { self.severity($0, path: path + ".severity") } ?? .medium
        var metric: PackTrigger.Metric?
        if let text = string(fields["metric"], path: path + ".metric", required: true, node: node) {
            metric = PackTrigger.Metric(rawValue: text)
            if metric == nil, let metricNode = fields["metric"] {
                problem(metricNode, path + ".metric", "metric is one of \(PackTrigger.Metric.allCases.map(\.rawValue).joined(separator: ", "))")
            }
        }
        var window: Int?
        if let windowNode = fields["window_seconds"] {
            if let text = windowNode.scalar?.string, let seconds = Int(text), (60...3600).contains(seconds), seconds % 60 == 0 {
                window = seconds
            } else {
                problem(windowNode, path + ".window_seconds", "a whole number of minutes in seconds, 60 to 3600")
            }
        } else {
            missing(path + ".window_seconds", parent: node)
        }
        var conditions: [PackTrigger.Condition] = []
        for comparison in PackTrigger.Comparison.allCases {
            guard let valueNode = fields[comparison.rawValue] else { continue }
            if let text = valueNode.scalar?.string, let value = Double(text), value.isFinite {
                conditions.append(.threshold(comparison, value))
            } else {
                problem(valueNode, path + ".\(comparison.rawValue)", "\(comparison.rawValue) needs a number")
            }
        }
        if let driftNode = fields["drift"] {
            if let text = driftNode.scalar?.string, let ratio = Double(text), ratio.isFinite, ratio > 0 {
                conditions.append(.drift(ratio: ratio))
            } else {
                problem(driftNode, path + ".drift", "drift is a ratio above 0 (1.5: half again the trailing day)")
            }
        }
        let conditionKeys = ["gt", "gte", "lt", "lte", "drift"].filter { fields[$0] != nil }
        if conditionKeys.isEmpty {
            problem(node, path, "a trigger needs one of gt, gte, lt, lte or drift")
        } else if conditionKeys.count > 1 {
            problem(node, path, "a trigger has exactly one of gt, gte, lt, lte or drift")
        }
        var minimum = 10
        if let minimumNode = fields["min_events"] {
            if let text = minimumNode.scalar?.string, let value = Int(text), (1...1_000_000).contains(value) { minimum = value } else {
                problem(minimumNode, path + ".min_events", "a whole number from 1 to 1000000")
            }
        }
        var action = "alert"
        if let actionNode = fields["action"], let text = string(actionNode, path: path + ".action") {
            if PackTrigger.actions.contains(text) { action = text } else {
                problem(actionNode, path + ".action", "a trigger's action is one of \(PackTrigger.actions.joined(separator: ", "))")
            }
        }
        guard let triggerID, let metric, let window, conditions.count == 1, let condition = conditions.first else { return nil }
        return PackTrigger(triggerID: triggerID, description: description, severity: severity, metric: metric, windowSeconds: window,
                           condition: condition, minimumEvents: minimum, action: action)
    }

    // MARK: Conditions

    /// Compiles every rule's condition and places each error inside the pack's source.
    private mutating func checkConditions(_ pack: PolicyPack) {
        let classes = pack.resourceClasses.keys.sorted()
        for (index, rule) in pack.rules.enumerated() {
            do {
                _ = try CompiledCondition.compile(rule.when, resourceClasses: classes)
            } catch {
                let (line, column) = place(offset: error.offset, in: rule.when, at: rule.whenSource)
                problems.append(PackProblem(line: line, column: column, path: "rules[\(index)].when", message: error.message))
            }
        }
    }

    /// The source line and column of scalar `offset` of `text`, a scalar written at `span`.
    func place(offset: Int, in text: String, at span: SourceSpan?) -> (Int, Int) {
        guard let span else { return (1, 1) }
        var lineInText = 0
        var columnInText = 0
        for (index, scalar) in text.unicodeScalars.enumerated() where index < offset {
            if scalar == "\n" {
                lineInText += 1
                columnInText = 0
            } else {
                columnInText += 1
            }
        }
        switch span.style {
        case .block:
            // A block scalar's text starts on the next line, at that line's indentation.
            let line = span.line + 1 + lineInText
            return (line, indentation(ofLine: line) + 1 + columnInText)
        case .plain, .singleQuoted, .doubleQuoted:
            guard lineInText == 0 else {
                let line = span.line + lineInText
                return (line, indentation(ofLine: line) + 1 + columnInText)
            }
            let opening = span.style == .plain ? 0 : 1
            return (span.line, span.column + opening + sourceColumns(forDecoded: columnInText, line: span.line,
                                                                     from: span.column + opening, style: span.style))
        }
    }

    private func indentation(ofLine line: Int) -> Int {
        guard line >= 1, line <= lines.count else { return 0 }
        return lines[line - 1].prefix { $0 == " " }.count
    }

    /// How many source columns `decoded` scalars of a quoted string take (escapes are longer).
    private func sourceColumns(forDecoded decoded: Int, line: Int, from column: Int, style: SourceSpan.Style) -> Int {
        guard style != .plain, line >= 1, line <= lines.count else { return decoded }
        let source = Array(lines[line - 1].unicodeScalars.dropFirst(column - 1))
        var index = 0
        var count = 0
        while count < decoded, index < source.count {
            if style == .doubleQuoted, source[index] == "\\", index + 1 < source.count {
                index += source[index + 1] == "u" ? 6 : source[index + 1] == "U" ? 10 : source[index + 1] == "x" ? 4 : 2
            } else if style == .singleQuoted, source[index] == "'", index + 1 < source.count, source[index + 1] == "'" {
                index += 2
            } else {
                index += 1
            }
            count += 1
        }
        return index
    }

    private static func span(_ node: Node) -> SourceSpan? {
        guard case .scalar(let scalar) = node, let mark = scalar.mark else { return nil }
        let style: SourceSpan.Style
        switch scalar.style {
        case .singleQuoted: style = .singleQuoted
        case .doubleQuoted: style = .doubleQuoted
        case .literal, .folded: style = .block
        case .plain, .any: style = .plain
        }
        return SourceSpan(line: mark.line, column: mark.column, style: style)
    }

    // MARK: Building blocks

    /// A mapping's members by key; unknown and repeated keys are problems.
    private mutating func members(_ mapping: Node.Mapping, path: String, allowed: Set<String>) -> [String: Node] {
        var fields: [String: Node] = [:]
        for (keyNode, value) in mapping where withinBudget {
            count()
            guard let key = keyNode.scalar?.string else {
                problem(keyNode, path, "keys are plain names")
                continue
            }
            let keyPath = path.isEmpty ? key : "\(path).\(key)"
            guard allowed.contains(key) else {
                problem(keyNode, keyPath, "unknown field '\(key)' (expected one of \(allowed.sorted().joined(separator: ", ")))")
                continue
            }
            guard fields[key] == nil else {
                problem(keyNode, keyPath, "'\(key)' appears twice")
                continue
            }
            fields[key] = value
        }
        return fields
    }

    /// A mapping whose keys are names (roles, agents, classes), in source order.
    private mutating func namedMembers(_ node: Node, path: String) -> [(String, Node)] {
        guard case .mapping(let mapping) = node else {
            problem(node, path, "\(path) is a mapping of names")
            return []
        }
        var seen: Set<String> = []
        var out: [(String, Node)] = []
        for (keyNode, value) in mapping where withinBudget {
            count()
            guard let key = keyNode.scalar?.string, PolicyPack.isName(key) else {
                problem(keyNode, path, "names are letters, digits and _ - . : (at most 128)")
                continue
            }
            guard seen.insert(key).inserted else {
                problem(keyNode, "\(path).\(key)", "'\(key)' appears twice")
                continue
            }
            out.append((key, value))
        }
        return out
    }

    private mutating func string(_ node: Node?, path: String, required: Bool = false, node parent: Node? = nil) -> String? {
        guard let node else {
            if required { missing(path, parent: parent) }
            return nil
        }
        count()
        guard case .scalar(let scalar) = node, scalar.style != .plain || !Self.isNonString(scalar.string) else {
            problem(node, path, "\(path) is a string")
            return nil
        }
        guard !scalar.string.unicodeScalars.contains("\u{0}") else {
            problem(node, path, "\(path) may not contain U+0000")
            return nil
        }
        return scalar.string
    }

    /// Plain scalars YAML would read as something else (`null`, `~`, booleans): a string field
    /// must not silently take them.
    private static func isNonString(_ text: String) -> Bool {
        ["null", "Null", "NULL", "~", ""].contains(text)
    }

    private mutating func name(_ node: Node?, path: String, required: Bool = false, node parent: Node? = nil) -> String? {
        guard let text = string(node, path: path, required: required, node: parent) else { return nil }
        guard PolicyPack.isName(text) else {
            if let node { problem(node, path, "'\(text)' is not a name: letters, digits and _ - . : (at most 128)") }
            return nil
        }
        return text
    }

    private mutating func strings(_ node: Node?, path: String, required: Bool = false, node parent: Node? = nil) -> [String]? {
        guard let node else {
            if required { missing(path, parent: parent) }
            return nil
        }
        guard case .sequence(let sequence) = node else {
            problem(node, path, "\(path) is a list")
            return nil
        }
        var out: [String] = []
        for (index, item) in sequence.enumerated() where withinBudget {
            if let text = string(item, path: "\(path)[\(index)]") { out.append(text) }
        }
        return out
    }

    /// Action and resource patterns: exact, `prefix*`, or `*`.
    private mutating func patterns(_ node: Node?, path: String, required: Bool = false, node parent: Node? = nil) -> [String]? {
        guard let list = strings(node, path: path, required: required, node: parent) else { return nil }
        if list.isEmpty, let node { problem(node, path, "list at least one") }
        for pattern in list where pattern.isEmpty || pattern.dropLast().contains("*") {
            if let node { problem(node, path, "'\(pattern)': a pattern is exact, ends with '*', or is '*'") }
        }
        return list
    }

    private mutating func severity(_ node: Node, path: String) -> RuleSeverity? {
        guard let text = string(node, path: path) else { return nil }
        guard let severity = RuleSeverity(rawValue: text) else {
            problem(node, path, "severity is one of \(RuleSeverity.allCases.map(\.rawValue).joined(separator: ", "))")
            return nil
        }
        return severity
    }

    private mutating func effect(_ node: Node, path: String) -> PolicyEffect? {
        guard let text = string(node, path: path) else { return nil }
        guard let effect = PolicyEffect(rawValue: text) else {
            problem(node, path, "'\(text)' is not one of allow, deny, require_approval")
            return nil
        }
        return effect
    }

    private mutating func missing(_ path: String, parent: Node?) {
        let mark = parent?.mark
        problems.append(PackProblem(line: mark?.line ?? 1, column: mark?.column ?? 1, path: path, message: "\(path) is required"))
    }

    private mutating func problem(_ node: Node, _ path: String, _ message: String) {
        problems.append(PackProblem(line: node.mark?.line ?? 1, column: node.mark?.column ?? 1, path: path, message: message))
    }

    /// Every loop stops once the budget is spent, so the work stays bounded.
    private var withinBudget: Bool { visited < Self.maximumNodes }

    private mutating func count() {
        visited += 1
        if visited == Self.maximumNodes {
            problems.append(PackProblem(line: 1, column: 1, path: "", message: "the pack has more than \(Self.maximumNodes) nodes"))
        }
    }

    private func syntaxProblem(_ error: any Error) -> PackProblem {
        switch error as? YamlError {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            let message = context.map { "\(problem) (\($0.text))" } ?? problem
            return PackProblem(line: mark.line, column: mark.column, path: "", message: message)
        case .reader(let problem, _, _, _):
            return PackProblem(line: 1, column: 1, path: "", message: problem)
        default:
            return PackProblem(line: 1, column: 1, path: "", message: "the pack is neither YAML nor JSON")
        }
    }
}
