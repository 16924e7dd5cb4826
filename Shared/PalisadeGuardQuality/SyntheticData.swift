import PalisadeGuard

/// SplitMix64: a small, fast generator whose sequence depends only on its seed, so a quality
/// run is the same run every time.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// A text and the personal data and secrets it holds, with their spans in Unicode scalars.
public struct LabelledSample: Sendable {
    public struct Expected: Sendable {
        public var type: DataType
        public var start: Int
        public var end: Int
    }

    public var text: String
    public var expected: [Expected]
}

/// Personal data and secrets in the shapes real ones have (valid check digits, registry
/// lengths, real prefixes), placed in ordinary sentences, JSON, logs and code; and look-alikes
/// that must not be reported (bad check digits, reserved ranges, dates, versions, hashes,
/// placeholders).
public struct SyntheticData {
    private var random: SeededGenerator

    public init(seed: UInt64) {
        random = SeededGenerator(seed: seed)
    }

    // MARK: Building blocks

    private mutating func pick<T>(_ items: [T]) -> T {
        items[Int.random(in: 0..<items.count, using: &random)]
    }

    private mutating func digits(_ count: Int) -> String {
        String((0..<count).map { _ in Character(String(Int.random(in: 0...9, using: &random))) })
    }

    private mutating func characters(_ count: Int, from alphabet: String) -> String {
        let scalars = Array(alphabet)
        return String((0..<count).map { _ in scalars[Int.random(in: 0..<scalars.count, using: &random)] })
    }

    private static let alphanumeric = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    private static let base64URL = alphanumeric + "-_"
    private static let firstNames = ["jane", "omar", "li", "maria", "sven", "aisha", "tom", "priya", "kenji", "lucia", "noah", "fatima"]
    private static let lastNames = ["roe", "haddad", "wei", "garcia", "berg", "khan", "miller", "patel", "sato", "rossi", "smith", "okafor"]
    private static let domains = ["mailbox.org", "acme-corp.io", "uni-heidelberg.de", "gmail.com", "outlook.co.uk", "proton.me",
                                  "example-shop.com", "sales.bigcorp.net", "fastmail.fm", "yahoo.co.jp", "startup.ai", "posteo.de"]

    private static func luhnDigit(_ partial: String) -> Int {
        var sum = 0
        for (offset, character) in partial.reversed().enumerated() {
            var value = Int(String(character)) ?? 0
            if offset % 2 == 0 {
                value *= 2
                if value > 9 { value -= 9 }
            }
            sum += value
        }
        return (10 - sum % 10) % 10
    }

    mutating func email() -> String {
        let first = pick(Self.firstNames), last = pick(Self.lastNames)
        let local = pick(["\(first).\(last)", "\(first)_\(last)", "\(first)\(digits(2))", "\(first.prefix(1))\(last)", "\(first)+news"])
        return "\(local)@\(pick(Self.domains))"
    }

    mutating func phone() -> String {
        let area = "\(Int.random(in: 2...9, using: &random))\(digits(2))"
        let exchange = "\(Int.random(in: 2...9, using: &random))\(digits(2))"
        let line = digits(4)
        return pick([
            "(\(area)) \(exchange)-\(line)", "\(area)-\(exchange)-\(line)", "\(area).\(exchange).\(line)",
            "+1 \(area) \(exchange) \(line)", "+1-\(area)-\(exchange)-\(line)", "+44 20 \(digits(4)) \(digits(4))",
            "+49 30 \(digits(7))", "+33 1 \(digits(2)) \(digits(2)) \(digits(2)) \(digits(2))", "+81 3 \(digits(4)) \(digits(4))",
        ])
    }

    mutating func card(valid: Bool = true) -> String {
        let (prefix, length) = pick([("4", 16), ("51", 16), ("55", 16), ("2221", 16), ("34", 15), ("37", 15), ("6011", 16), ("3530", 16), ("3589", 16)])
        var number = prefix + digits(length - prefix.count - 1)
        let check = Self.luhnDigit(number)
        number += String(valid ? check : (check + Int.random(in: 1...9, using: &random)) % 10)
        let characters = Array(number)
        switch Int.random(in: 0..<3, using: &random) {
        case 0:
            return number
        default:
            let separator = pick([" ", "-"])
            let groups = length == 15 ? [4, 6, 5] : [4, 4, 4, 4]
            var out = "", index = 0
            for group in groups {
                if !out.isEmpty { out += separator }
                out += String(characters[index..<index + group])
                index += group
            }
            return out
        }
    }

    mutating func ssn(valid: Bool = true) -> String {
        if valid {
            var area = Int.random(in: 1...899, using: &random)
            if area == 666 { area = 665 }
            return String(format3: area) + "-" + String(format2: Int.random(in: 1...99, using: &random)) + "-" + String(format4: Int.random(in: 1...9999, using: &random))
        }
        return pick([
            "000-\(String(format2: Int.random(in: 1...99, using: &random)))-\(digits(4))",
            "666-\(String(format2: Int.random(in: 1...99, using: &random)))-\(digits(4))",
            "9\(digits(2))-\(String(format2: Int.random(in: 1...99, using: &random)))-\(digits(4))",
            "\(String(format3: Int.random(in: 1...665, using: &random)))-00-\(digits(4))",
        ])
    }

    mutating func iban(valid: Bool = true) -> String {
        let (country, bban) = pick([
            ("DE", digits(18)), ("GB", "NWBK" + digits(14)), ("FR", digits(10) + characters(11, from: "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") + digits(2)),
            ("NL", "ABNA" + digits(10)), ("ES", digits(20)), ("IT", "X" + digits(10) + digits(12)), ("CH", digits(5) + digits(12)),
        ])
        // Check digits: 98 - (BBAN + country + "00") mod 97.
        var remainder = 0
        for character in bban + country + "00" {
            if let digit = character.wholeNumberValue {
                remainder = (remainder * 10 + digit) % 97
            } else if let ascii = character.asciiValue {
                remainder = (remainder * 100 + Int(ascii) - 55) % 97
            }
        }
        var check = 98 - remainder
        if !valid { check = (check + Int.random(in: 1...50, using: &random)) % 97 }
        let compact = country + String(format2: check) + bban
        guard Bool.random(using: &random) else { return compact }
        var grouped = ""
        for (index, character) in compact.enumerated() {
            if index > 0 && index % 4 == 0 { grouped += " " }
            grouped.append(character)
        }
        return grouped
    }

    mutating func ipv4() -> String {
        pick(["\(Int.random(in: 1...223, using: &random)).\(Int.random(in: 0...255, using: &random)).\(Int.random(in: 0...255, using: &random)).\(Int.random(in: 1...254, using: &random))",
              "10.\(Int.random(in: 0...255, using: &random)).\(Int.random(in: 0...255, using: &random)).\(Int.random(in: 1...254, using: &random))",
              "192.168.\(Int.random(in: 0...255, using: &random)).\(Int.random(in: 1...254, using: &random))"])
    }

    mutating func ipv6() -> String {
        let groups = (0..<8).map { _ in String(Int.random(in: 0...0xFFFF, using: &random), radix: 16) }
        return pick([
            groups.joined(separator: ":"),
            "2001:db8:\(groups[2]):\(groups[3])::\(groups[7])",
            "fe80::\(groups[4]):\(groups[5]):\(groups[6]):\(groups[7])",
            "2606:4700::\(groups[6])",
        ])
    }

    mutating func secret(_ type: DataType) -> String {
        switch type {
        case .anthropicKey: return "sk-ant-api03-" + characters(93, from: Self.base64URL) + "AA"
        case .openAIKey:
            return pick(["sk-proj-" + characters(64, from: Self.base64URL), "sk-" + characters(48, from: Self.alphanumeric),
                         "sk-svcacct-" + characters(56, from: Self.base64URL)])
        case .awsAccessKeyID: return pick(["AKIA", "ASIA"]) + characters(16, from: "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        case .awsSecretKey: return characters(40, from: Self.alphanumeric + "/+")
        case .githubToken:
            return pick(["ghp_" + characters(36, from: Self.alphanumeric), "gho_" + characters(36, from: Self.alphanumeric),
                         "github_pat_" + characters(22, from: Self.alphanumeric) + "_" + characters(59, from: Self.alphanumeric)])
        case .stripeKey: return pick(["sk_live_", "sk_test_", "rk_live_"]) + characters(Int.random(in: 24...99, using: &random), from: Self.alphanumeric)
        case .googleAPIKey: return "AIza" + characters(35, from: Self.base64URL)
        case .slackToken:
            return pick(["xoxb-", "xoxp-"]) + digits(12) + "-" + digits(12) + "-" + characters(24, from: Self.alphanumeric)
        case .jwt:
            let header = Self.base64URL(#"{"alg":"\#(pick(["HS256", "RS256", "ES256"]))","typ":"JWT"}"#)
            let payload = Self.base64URL(#"{"sub":"\#(digits(10))","name":"\#(pick(Self.firstNames))","iat":\#(1_700_000_000 + Int.random(in: 0...99_999_999, using: &random))}"#)
            return "\(header).\(payload).\(characters(43, from: Self.base64URL))"
        case .privateKey:
            let label = pick(["RSA PRIVATE KEY", "PRIVATE KEY", "EC PRIVATE KEY", "OPENSSH PRIVATE KEY"])
            let body = (0..<Int.random(in: 3...8, using: &random)).map { _ in characters(64, from: Self.alphanumeric + "+/") }
            return "-----BEGIN \(label)-----\n" + body.joined(separator: "\n") + "\n-----END \(label)-----"
        case .genericSecret: return characters(Int.random(in: 14...40, using: &random), from: Self.alphanumeric + "!#%*-_.")
        default: return ""
        }
    }

    private static func base64URL(_ text: String) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        let bytes = Array(text.utf8)
        var out = ""
        var index = 0
        while index < bytes.count {
            let chunk = bytes[index..<min(index + 3, bytes.count)]
            let value = chunk.enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << UInt32(16 - 8 * $1.offset) }
            for position in 0..<(chunk.count + 1) { out.append(alphabet[Int((value >> UInt32(18 - 6 * position)) & 0x3F)]) }
            index += 3
        }
        return out
    }

    // MARK: Samples

    /// A value of `type` and the label a sentence would name it by.
    private mutating func value(_ type: DataType) -> (value: String, label: String) {
        switch type {
        case .email: return (email(), pick(["email", "e-mail", "contact", "address"]))
        case .phone: return (phone(), pick(["phone", "mobile", "cell", "telephone"]))
        case .paymentCard: return (card(), pick(["card", "credit card", "card number", "payment card"]))
        case .usSSN: return (ssn(), pick(["SSN", "social security number"]))
        case .iban: return (iban(), pick(["IBAN", "bank account (IBAN)"]))
        case .ipv4: return (ipv4(), pick(["IP", "client address", "server"]))
        case .ipv6: return (ipv6(), pick(["IPv6", "client address", "peer"]))
        case .awsSecretKey: return (secret(type), "aws_secret_access_key")
        case .genericSecret: return (secret(type), pick(["password", "db_password", "client_secret", "api_secret", "auth_token"]))
        default: return (secret(type), pick(["key", "token", "credential"]))
        }
    }

    private mutating func carrier(label: String, type: DataType) -> (String, String) {
        if type == .genericSecret || type == .awsSecretKey {
            return pick([("\(label) = \"", "\""), ("\(label): ", ""), ("\"\(label)\": \"", "\""), ("export \(label.uppercased())=", ""),
                         ("config.\(label) = '", "'")])
        }
        if type == .privateKey { return pick([("Here is the key file:\n", "\n"), ("```\n", "\n```"), ("", "")]) }
        return pick([
            ("Please contact me, my \(label) is ", "."), ("Customer record - name: Jane Roe, \(label): ", ", status: active"),
            ("{\"\(label)\": \"", "\"}"), ("ERROR request failed for \(label)=", " retry=2"), ("", " is what I have on file."),
            ("Can you update my \(label) to ", " please?"), ("Forwarding from ", ":\nhello team"), ("- \(label): ", "\n- note: urgent"),
            ("Meine \(label): ", " danke."), ("Use \(label) ", " for the deployment."),
        ])
    }

    /// A sample with one or two values; `types` are the kinds to draw from.
    public mutating func positive(of types: [DataType]) -> LabelledSample {
        var text = ""
        var expected: [LabelledSample.Expected] = []
        for _ in 0..<Int.random(in: 1...2, using: &random) {
            let type = pick(types)
            let (value, label) = value(type)
            let (before, after) = carrier(label: label, type: type)
            if !text.isEmpty { text += pick([" Also, ", "\n", "; and "]) }
            text += before
            let start = text.unicodeScalars.count
            text += value
            expected.append(.init(type: type, start: start, end: text.unicodeScalars.count))
            text += after
        }
        return LabelledSample(text: text, expected: expected)
    }

    /// A sample with look-alikes only: nothing in it may be reported.
    public mutating func negative() -> LabelledSample {
        let sha = characters(64, from: "0123456789abcdef")
        let uuid = [8, 4, 4, 4, 12].map { characters($0, from: "0123456789abcdef") }.joined(separator: "-")
        let candidates = [
            "The card \(card(valid: false)) was declined, please check the digits.",
            "Order number 9\(digits(15)) shipped on 2024-\(String(format2: Int.random(in: 1...12, using: &random)))-\(String(format2: Int.random(in: 1...28, using: &random))).",
            "Reference \(ssn(valid: false)) is not a valid SSN format for our forms.",
            "Transfer to \(iban(valid: false)) failed: invalid checksum.",
            "Upgrade from v\(Int.random(in: 1...9, using: &random)).\(Int.random(in: 0...20, using: &random)).\(Int.random(in: 0...20, using: &random)).\(Int.random(in: 0...99, using: &random)) to the latest release.",
            "Build 2024.\(Int.random(in: 1...12, using: &random)).\(Int.random(in: 1...28, using: &random)) passed in \(Int.random(in: 1...59, using: &random)):\(String(format2: Int.random(in: 0...59, using: &random))):\(String(format2: Int.random(in: 0...59, using: &random))).",
            "sha256: \(sha)", "request id \(uuid)", "commit \(characters(40, from: "0123456789abcdef"))",
            "Set OPENAI_API_KEY=sk-your-key-here in your .env file.", "Use AKIAXXXXXXXXXXXXXXXX as a placeholder.",
            "password = \"changeme\"", "api_key = \"<YOUR_API_KEY>\"", "token: ${GITHUB_TOKEN}", "secret: \"********\"",
            "Ask Anthony about it: desk-antique-sale is the channel.", "Meet at 12:30:45 in std::vector land, a:b:c.",
            "Ping @\(pick(Self.firstNames)) on the thread; send logo@2x.png to the designer.", "Write to admin@localhost for local tests.",
            "The ISBN 978-\(digits(1))-\(digits(2))-\(digits(6))-\(digits(1)) is on the cover.",
            "Page \(digits(3))-\(digits(2)) of the manual, section 4.2.1.", "Call extension \(digits(4)) after 5 pm.",
            "Invoice total 1,\(digits(3)).\(digits(2)) EUR due 30.\(String(format2: Int.random(in: 1...12, using: &random))).2025.",
            "The temperature rose from \(digits(2)).\(digits(1)) to \(digits(2)).\(digits(1)) degrees.",
            "Latitude \(digits(2)).\(digits(6)), longitude \(digits(2)).\(digits(6)).",
            "Item SKU-\(digits(9)) is back in stock.", "Tracking 1Z\(characters(16, from: "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")).",
            "Base64 of the logo: iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
        ]
        return LabelledSample(text: pick(candidates), expected: [])
    }
}

private extension String {
    init(format2 value: Int) { self.init(padded: value, width: 2) }
    init(format3 value: Int) { self.init(padded: value, width: 3) }
    init(format4 value: Int) { self.init(padded: value, width: 4) }

    init(padded value: Int, width: Int) {
        let digits = Swift.String(value)
        self = Swift.String(repeating: "0", count: Swift.max(0, width - digits.count)) + digits
    }
}
