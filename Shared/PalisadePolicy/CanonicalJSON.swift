/// JSON in one byte-exact form (RFC 8785, JCS, for the kinds packs use: strings, integers,
/// booleans, arrays, objects): members sorted by the UTF-16 code units of their names, no
/// insignificant white space, only `"`, `\` and control characters escaped. What a pack's
/// signature covers.
public indirect enum CanonicalJSON: Sendable, Equatable {
    case string(String)
    case integer(Int)
    case bool(Bool)
    case array([CanonicalJSON])
    case object([String: CanonicalJSON])

    public var bytes: [UInt8] {
        var out: [UInt8] = []
        write(into: &out)
        return out
    }

    public var text: String { String(decoding: bytes, as: UTF8.self) }

    private func write(into out: inout [UInt8]) {
        switch self {
        case .string(let text):
            Self.write(string: text, into: &out)
        case .integer(let value):
            out += Array(String(value).utf8)
        case .bool(let value):
            out += Array((value ? "true" : "false").utf8)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                item.write(into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            let names = members.keys.sorted { $0.utf16.lexicographicallyPrecedes($1.utf16) }
            for (index, name) in names.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                Self.write(string: name, into: &out)
                out.append(UInt8(ascii: ":"))
                members[name]?.write(into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    private static func write(string: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
            case UInt8(ascii: "\\"): out += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case 0x08: out += [UInt8(ascii: "\\"), UInt8(ascii: "b")]
            case 0x09: out += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            case 0x0A: out += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case 0x0C: out += [UInt8(ascii: "\\"), UInt8(ascii: "f")]
            case 0x0D: out += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            case 0x00..<0x20:
                out += Array("\\u00".utf8) + [hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0xF)]]
            default:
                out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}

extension PolicyPack {
    /// The pack as canonical JSON, every field present (defaults spelled out), so a pack
    /// written in YAML and the same pack in JSON sign alike.
    public var canonicalJSON: CanonicalJSON {
        func strings(_ list: [String]) -> CanonicalJSON { .array(list.map(CanonicalJSON.string)) }
        let scopeValue: CanonicalJSON
        switch scope {
        case .tenant: scopeValue = .string("tenant")
        case .routes(let routes): scopeValue = .object(["routes": strings(routes)])
        }
        var members: [String: CanonicalJSON] = [
            "id": .string(id),
            "version": .string(version.description),
            "description": .string(description),
            "default_action": .string(defaultAction.rawValue),
            "scope": scopeValue,
            "roles": .object(roles.mapValues { grant in
                .object([
                    "permissions": .array(grant.permissions.map { .object(["actions": strings($0.actions), "resources": strings($0.resources)]) }),
                    "sensitive": .object(grant.sensitive.mapValues { .string($0.rawValue) }),
                ])
            }),
            "agents": .object(agents.mapValues { .object(["roles": strings($0)]) }),
            "resource_classes": .object(resourceClasses.mapValues(strings)),
            "rules": .array(rules.map { rule in
                .object([
                    "rule_id": .string(rule.ruleID), "description": .string(rule.description), "severity": .string(rule.severity.rawValue),
                    "when": .string(rule.when), "action": .string(rule.action.rawValue),
                ])
            }),
            "approval": .object(["expires_in_seconds": .integer(approvalExpirySeconds)]),
        ]
        // Present only when there are triggers, so packs signed before triggers existed keep their bytes.
        if !triggers.isEmpty { members["triggers"] = .array(triggers.map(\.canonicalJSON)) }
        return .object(members)
    }
}
