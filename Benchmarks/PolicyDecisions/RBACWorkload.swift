import Foundation
import PalisadeGuardQuality
import PalisadePolicy

/// The benchmark's 50-rule RBAC pack, the same policies in Cedar, and a seeded set of requests.
///
/// Ten roles grant actions on tool prefixes; fifty deny rules look at the action, the resource
/// and the context (numbers, strings, lists, combined with and / or / not). Only allow and deny
/// are used, so Cedar (permit / forbid, default deny) decides every request the same way: the
/// benchmark checks that it does.
struct RBACWorkload {
    static let actions = ["read", "search", "write", "execute", "delete", "export", "share", "approve"]
    static let tools = ["crm", "kb", "billing", "hr", "db", "admin", "mail", "files"]
    static let regions = ["eu", "us", "apac", "cn", "ru"]
    static let tags = ["pii", "finance", "public", "internal", "legal", "health"]

    struct Request {
        var input: DecisionInput
        /// The context as JSON, for Cedar.
        var context: [String: Any]
    }

    let yaml: String
    let cedar: String
    let requests: [Request]

    init(requestCount: Int = 10_000, seed: UInt64 = 20261201) {
        var roles: [String] = []
        var cedarPolicies: [String] = []
        for index in 0..<10 {
            let actions = (0..<3).map { Self.actions[(index + $0 * 3) % Self.actions.count] }
            let tools = (0..<2).map { Self.tools[(index + $0 * 5) % Self.tools.count] }
            roles.append("""
                  r\(index):
                    permissions:
                      - actions: [\(actions.joined(separator: ", "))]
                        resources: [\(tools.map { "\"tool:\($0).*\"" }.joined(separator: ", "))]
                """)
            cedarPolicies.append("""
                permit(principal, action in [\(actions.map { "Action::\"\($0)\"" }.joined(separator: ", "))], resource)
                when { context.roles.contains("r\(index)") && (\(tools.map { "context.resource like \"tool:\($0).*\"" }.joined(separator: " || "))) };
                """)
        }
        var rules: [String] = []
        for index in 0..<50 {
            let action = Self.actions[index % Self.actions.count]
            let tool = Self.tools[(index / 2) % Self.tools.count]
            let region = Self.regions[index % Self.regions.count]
            let tag = Self.tags[index % Self.tags.count]
            let amount = 1_000 + index * 250
            let (when, cedarWhen): (String, String) = switch index % 5 {
            case 0: ("action eq \"\(action)\" and context.amount gt \(amount)",
                     "action == Action::\"\(action)\" && context.amount > \(amount)")
            case 1: ("resource starts_with \"tool:\(tool).\" and context.region in [\"\(region)\", \"xx\"]",
                     "context.resource like \"tool:\(tool).*\" && [\"\(region)\", \"xx\"].contains(context.region)")
            case 2: ("context.tags contains \"\(tag)\" and not (context.mfa eq true) and action ne \"read\"",
                     "context.tags.contains(\"\(tag)\") && !(context.mfa == true) && action != Action::\"read\"")
            case 3: ("(context.hour lt 6 or context.hour gte 22) and resource starts_with \"tool:\(tool).\" and context.amount gte \(amount / 2)",
                     "(context.hour < 6 || context.hour >= 22) && context.resource like \"tool:\(tool).*\" && context.amount >= \(amount / 2)")
            default: ("context.destination starts_with \"https://paste\(index).\" or (context.region eq \"\(region)\" and context.amount lte \(index))",
                      "context.destination like \"https://paste\(index).*\" || (context.region == \"\(region)\" && context.amount <= \(index))")
            }
            rules.append("  - {rule_id: rule_\(index), severity: high, when: '\(when)', action: deny}")
            cedarPolicies.append("@id(\"rule_\(index)\")\nforbid(principal, action, resource) when { \(cedarWhen) };")
        }
        yaml = """
            id: bench-rbac
            version: 1.0.0
            description: Ten roles and fifty deny rules
            default_action: deny
            roles:
            \(roles.joined(separator: "\n"))
            rules:
            \(rules.joined(separator: "\n"))
            """
        cedar = cedarPolicies.joined(separator: "\n")

        var random = SeededGenerator(seed: seed)  // so every run decides the same requests
        var requests: [Request] = []
        requests.reserveCapacity(requestCount)
        for index in 0..<requestCount {
            let roleCount = 1 + Int(random.next() % 2)
            let userRoles = (0..<roleCount).map { _ in "r\(random.next() % 10)" }
            // Most requests ask for something one of the user's roles grants (so rules, not the
            // missing grant, decide); the rest ask for anything.
            var action = Self.actions[Int(random.next() % UInt64(Self.actions.count))]
            var tool = Self.tools[Int(random.next() % UInt64(Self.tools.count))]
            if let role = userRoles.first.flatMap({ Int($0.dropFirst()) }), random.next() % 10 < 7 {
                action = Self.actions[(role + Int(random.next() % 3) * 3) % Self.actions.count]
                tool = Self.tools[(role + Int(random.next() % 2) * 5) % Self.tools.count]
            }
            let resource = "tool:\(tool).item\(random.next() % 50)"
            let amount = Int(random.next() % 15_000)
            let hour = Int(random.next() % 24)
            let region = Self.regions[Int(random.next() % UInt64(Self.regions.count))]
            let tags = (0..<Int(random.next() % 3)).map { _ in Self.tags[Int(random.next() % UInt64(Self.tags.count))] }
            let mfa = random.next() % 2 == 0
            let destination = "https://\(random.next() % 4 == 0 ? "paste\(random.next() % 50)" : "files").example/\(index)"
            let context: [String: PolicyValue] = [
                "amount": .number(Double(amount)), "hour": .number(Double(hour)), "region": .string(region),
                "tags": .list(tags.map(PolicyValue.string)), "mfa": .bool(mfa), "destination": .string(destination),
            ]
            requests.append(Request(
                input: DecisionInput(user: "user\(index % 500)", roles: userRoles, action: action, resource: resource, context: context),
                context: ["amount": amount, "hour": hour, "region": region, "tags": tags, "mfa": mfa, "destination": destination,
                          "resource": resource, "roles": userRoles]
            ))
        }
        self.requests = requests
    }

    /// What the Cedar peer reads: the policies and each request with our decision.
    func peerInput(decisions: [PolicyEffect]) throws -> Data {
        let list: [[String: Any]] = zip(requests, decisions).map { request, decision in
            ["principal": "User::\"\(request.input.user)\"", "action": "Action::\"\(request.input.action)\"",
             "resource": "Tool::\"\(request.input.resource)\"", "context": request.context, "expected": decision.rawValue]
        }
        return try JSONSerialization.data(withJSONObject: ["policies": cedar, "requests": list])
    }
}
