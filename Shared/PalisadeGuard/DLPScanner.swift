import CGuardBytes

/// Finds personal data and secrets in one pass over UTF-8. Each detector starts only where its
/// first byte can start a match (a digit, `@`, `+`, `(`, `-`, `:`, `=`, or a known prefix at a
/// word boundary), reads forward a bounded distance, and keeps a candidate only after its
/// validator agrees (Luhn and issuer ranges, SSA ranges, mod-97, octet ranges, a decodable
/// JWT header, the randomness of a real credential). No backtracking, no regular expressions.
public struct DLPScanner: Sendable {
    /// Whether every word is looked at, not only those whose first bytes a detector can start
    /// with: the plain scan the filter must agree with (for tests).
    let everyWordStart: Bool

    public init() {
        everyWordStart = false
    }

    init(everyWordStart: Bool) {
        self.everyWordStart = everyWordStart
    }

    /// Findings with spans in bytes of `text`. Words are looked at once, at their first byte,
    /// then skipped whole. Where something can start is found sixteen bytes at a time
    /// (`guard_classify_dlp`) and the loop goes from one such place to the next: a loop that
    /// read every byte and skipped each word was mispredicted about twice a word.
    func scan(utf8 text: UnsafeBufferPointer<UInt8>) -> [ByteFinding] {
        guard let base = text.baseAddress, !text.isEmpty else { return [] }
        let elements = (text.count + 63) / 64
        return withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 2 * elements) { bitmaps in
            guard let alphanumerics = bitmaps.baseAddress else { return [] }
            let starts = alphanumerics + elements
            guard_classify_dlp(base, text.count, everyWordStart, alphanumerics, starts)
            return scan(text, alphanumerics: alphanumerics, starts: starts, elements: elements)
        }
    }

    /// The loop. From `position` it looks at the next start, or at `position` itself when that is
    /// inside a word (a number that ended at a letter, a finding that ended inside a word),
    /// which is where a byte-at-a-time loop would have looked.
    private func scan(_ text: UnsafeBufferPointer<UInt8>, alphanumerics: UnsafePointer<UInt64>, starts: UnsafePointer<UInt64>,
                      elements: Int) -> [ByteFinding] {
        @inline(__always) func isAlphanumeric(_ index: Int) -> Bool { alphanumerics[index &>> 6] &>> UInt64(index & 63) & 1 != 0 }
        /// The first start at or after `index`, or nil.
        @inline(__always) func nextStart(from index: Int) -> Int? {
            var element = index &>> 6
            guard element < elements else { return nil }
            var bits = starts[element] & (UInt64.max &<< UInt64(index & 63))
            while bits == 0 {
                element &+= 1
                guard element < elements else { return nil }
                bits = starts[element]
            }
            return element &<< 6 | bits.trailingZeroBitCount
        }
        /// The first byte at or after `index` that is not alphanumeric (bits past the text are clear).
        @inline(__always) func wordEnd(from index: Int) -> Int {
            var element = index &>> 6
            guard element < elements else { return index }
            var clear = ~alphanumerics[element] & (UInt64.max &<< UInt64(index & 63))
            while clear == 0 {
                element &+= 1
                guard element < elements else { return element &<< 6 }
                clear = ~alphanumerics[element]
            }
            return element &<< 6 | clear.trailingZeroBitCount
        }
        var findings: [ByteFinding] = []
        let count = text.count
        var position = 0
        while position < count {
            let index: Int
            if position > 0 && isAlphanumeric(position) && isAlphanumeric(position - 1) {
                index = position
            } else if let start = nextStart(from: position) {
                index = start
            } else {
                break
            }
            let byte = text[index]
            var found: ByteFinding?
            var next = index + 1
            if isAlphanumeric(index) {
                found = wordStart(text, at: index)
                if found == nil {
                    if Self.isDigit(byte) {
                        // A number that is none of these is skipped whole: its tail is not a new number.
                        next = Self.numericTokenEnd(text, from: index)
                    } else {
                        next = wordEnd(from: index)
                    }
                }
            } else {
                switch byte {
                case UInt8(ascii: "@"):
                    found = email(text, at: index)
                case UInt8(ascii: "-"):
                    found = privateKey(text, at: index)
                case UInt8(ascii: ":"):
                    found = assignedSecret(text, at: index)
                        ?? (index + 1 < count && text[index + 1] == UInt8(ascii: ":") ? ipv6(text, at: index) : nil)
                case UInt8(ascii: "="):
                    found = assignedSecret(text, at: index)
                default:
                    found = numeric(text, at: index)
                }
            }
            if let found {
                findings.append(found)
                position = max(index + 1, found.end)
            } else {
                position = next
            }
        }
        return findings
    }

    /// The detectors that start at the first byte of a word.
    @inline(__always)
    private func wordStart(_ text: UnsafeBufferPointer<UInt8>, at index: Int) -> ByteFinding? {
        let byte = text[index]
        switch byte {
        case 0x30...0x39:
            return (Self.hexColonAhead(text, at: index) ? ipv6(text, at: index) : nil) ?? numeric(text, at: index)
        case UInt8(ascii: "s"), UInt8(ascii: "r"), UInt8(ascii: "w"), UInt8(ascii: "g"), UInt8(ascii: "x"), UInt8(ascii: "e"), UInt8(ascii: "h"):
            if let found = lowercasePrefixed(text, at: index) { return found }
            return byte == UInt8(ascii: "e") && Self.hexColonAhead(text, at: index) ? ipv6(text, at: index) : nil
        case 0x61...0x66:
            return Self.hexColonAhead(text, at: index) ? ipv6(text, at: index) : nil
        case 0x41...0x5A:
            if byte == UInt8(ascii: "A"), let found = uppercasePrefixed(text, at: index) { return found }
            if let found = iban(text, at: index) { return found }
            return byte <= 0x46 && Self.hexColonAhead(text, at: index) ? ipv6(text, at: index) : nil
        default:
            return nil
        }
    }

    /// One to four hex digits then `:`: the only way an IPv6 address can start here.
    @inline(__always)
    private static func hexColonAhead(_ text: UnsafeBufferPointer<UInt8>, at index: Int) -> Bool {
        var cursor = index
        while cursor < text.count, cursor - index < 4, isHex(text[cursor]) { cursor += 1 }
        return cursor > index && cursor < text.count && text[cursor] == UInt8(ascii: ":")
    }

    /// The end of digits joined by single phone or card separators, from `start`.
    private static func numericTokenEnd(_ text: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        var end = start
        while end < text.count {
            let byte = text[end]
            if isDigit(byte) || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "(") {
                end += 1
            } else if [0x20, UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: ")")].contains(byte), end + 1 < text.count, isDigit(text[end + 1]) {
                end += 1
            } else {
                break
            }
        }
        return max(end, start + 1)
    }

    // MARK: Byte classes

    @inline(__always) static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
    }

    @inline(__always) private static func isDigit(_ byte: UInt8) -> Bool { (0x30...0x39).contains(byte) }

    @inline(__always) private static func isHex(_ byte: UInt8) -> Bool {
        isDigit(byte) || (0x41...0x46).contains(byte) || (0x61...0x66).contains(byte)
    }

    @inline(__always) private static func isUpper(_ byte: UInt8) -> Bool { (0x41...0x5A).contains(byte) }

    @inline(__always) private static func isTokenByte(_ byte: UInt8) -> Bool {
        isAlphanumeric(byte) || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
    }

    @inline(__always) private static func isBase64URL(_ byte: UInt8) -> Bool {
        isAlphanumeric(byte) || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
    }

    private static func hasPrefix(_ text: UnsafeBufferPointer<UInt8>, at index: Int, _ prefix: StaticString) -> Bool {
        let count = prefix.utf8CodeUnitCount
        guard index + count <= text.count else { return false }
        return prefix.withUTF8Buffer { bytes in
            for offset in 0..<count where text[index + offset] != bytes[offset] { return false }
            return true
        }
    }

    /// The end of a run of bytes satisfying `accept`, starting at `start`, read at most `limit` bytes.
    @inline(__always)
    private static func runEnd(_ text: UnsafeBufferPointer<UInt8>, from start: Int, limit: Int, _ accept: (UInt8) -> Bool) -> Int {
        var end = start
        let stop = min(text.count, start + limit)
        while end < stop, accept(text[end]) { end += 1 }
        return end
    }

    @inline(__always)
    private static func endsAtBoundary(_ text: UnsafeBufferPointer<UInt8>, _ end: Int) -> Bool {
        end >= text.count || !isAlphanumeric(text[end])
    }

    private func finding(_ type: DataType, _ start: Int, _ end: Int, _ confidence: Double) -> ByteFinding {
        ByteFinding(detector: type.rawValue, category: type.category, start: start, end: end, confidence: confidence)
    }

    // MARK: Secrets with a known prefix

    private func lowercasePrefixed(_ text: UnsafeBufferPointer<UInt8>, at index: Int) -> ByteFinding? {
        // These letters start many ordinary words; the second byte rules nearly all of them out.
        guard index + 1 < text.count, Self.startsPrefix(text[index], text[index + 1]) else { return nil }
        switch text[index] {
        case UInt8(ascii: "s"):
            if Self.hasPrefix(text, at: index, "sk-ant-") { return token(.anthropicKey, text, index, prefix: 7, minimum: 20, confidence: 0.99) }
            if Self.hasPrefix(text, at: index, "sk_live_") || Self.hasPrefix(text, at: index, "sk_test_") {
                return token(.stripeKey, text, index, prefix: 8, minimum: 16, confidence: 0.97, alphabet: Self.isAlphanumeric)
            }
            if Self.hasPrefix(text, at: index, "sk-") { return openAIKey(text, at: index) }
        case UInt8(ascii: "r"):
            if Self.hasPrefix(text, at: index, "rk_live_") || Self.hasPrefix(text, at: index, "rk_test_") {
                return token(.stripeKey, text, index, prefix: 8, minimum: 16, confidence: 0.97, alphabet: Self.isAlphanumeric)
            }
        case UInt8(ascii: "w"):
            if Self.hasPrefix(text, at: index, "whsec_") {
                return token(.stripeKey, text, index, prefix: 6, minimum: 24, confidence: 0.9, alphabet: { Self.isAlphanumeric($0) || $0 == 0x2B || $0 == 0x2F || $0 == 0x3D })
            }
        case UInt8(ascii: "g"):
            for prefix: StaticString in ["ghp_", "gho_", "ghu_", "ghs_", "ghr_"] where Self.hasPrefix(text, at: index, prefix) {
                return token(.githubToken, text, index, prefix: 4, minimum: 30, confidence: 0.99, alphabet: Self.isAlphanumeric)
            }
            if Self.hasPrefix(text, at: index, "github_pat_") {
                return token(.githubToken, text, index, prefix: 11, minimum: 40, confidence: 0.99)
            }
        case UInt8(ascii: "x"):
            if Self.hasPrefix(text, at: index, "xox"), index + 4 < text.count,
               [UInt8(ascii: "b"), UInt8(ascii: "p"), UInt8(ascii: "a"), UInt8(ascii: "r"), UInt8(ascii: "s"), UInt8(ascii: "e")].contains(text[index + 3]),
               text[index + 4] == UInt8(ascii: "-") {
                return token(.slackToken, text, index, prefix: 5, minimum: 10, confidence: 0.97,
                             alphabet: { Self.isAlphanumeric($0) || $0 == UInt8(ascii: "-") })
            }
        case UInt8(ascii: "e"):
            if Self.hasPrefix(text, at: index, "eyJ") { return jwt(text, at: index) }
        case UInt8(ascii: "h"):
            if Self.hasPrefix(text, at: index, "hooks.slack.com/services/") {
                return token(.slackToken, text, index, prefix: 25, minimum: 20, confidence: 0.95,
                             alphabet: { Self.isAlphanumeric($0) || $0 == UInt8(ascii: "/") })
            }
            if Self.hasPrefix(text, at: index, "https://hooks.slack.com/services/") {
                return token(.slackToken, text, index, prefix: 33, minimum: 20, confidence: 0.95,
                             alphabet: { Self.isAlphanumeric($0) || $0 == UInt8(ascii: "/") })
            }
        default:
            break
        }
        return nil
    }

    /// Whether two bytes begin one of the lowercase prefixes above (`sk`, `rk`, `wh`, `gh`, `gi`,
    /// `xo`, `ey`, `ho`, `ht`).
    @inline(__always)
    private static func startsPrefix(_ first: UInt8, _ second: UInt8) -> Bool {
        switch (first, second) {
        case (0x73, 0x6B), (0x72, 0x6B), (0x77, 0x68), (0x67, 0x68), (0x67, 0x69), (0x78, 0x6F), (0x65, 0x79), (0x68, 0x6F), (0x68, 0x74):
            return true
        default:
            return false
        }
    }

    /// A token of `prefix` bytes then at least `minimum` bytes of `alphabet`, ending at a word boundary.
    private func token(
        _ type: DataType, _ text: UnsafeBufferPointer<UInt8>, _ index: Int, prefix: Int, minimum: Int, confidence: Double,
        alphabet: (UInt8) -> Bool = DLPScanner.isTokenByte
    ) -> ByteFinding? {
        let end = Self.runEnd(text, from: index + prefix, limit: 512, alphabet)
        guard end - index - prefix >= minimum else { return nil }
        return finding(type, index, end, confidence)
    }

    /// `sk-proj-…`, `sk-svcacct-…`, `sk-admin-…` or a legacy `sk-` and 32 or more mixed characters.
    private func openAIKey(_ text: UnsafeBufferPointer<UInt8>, at index: Int) -> ByteFinding? {
        let end = Self.runEnd(text, from: index + 3, limit: 512, Self.isTokenByte)
        let body = UnsafeBufferPointer(rebasing: text[(index + 3)..<end])
        let scoped = Self.hasPrefix(text, at: index, "sk-proj-") || Self.hasPrefix(text, at: index, "sk-svcacct-")
            || Self.hasPrefix(text, at: index, "sk-admin-")
        if scoped && body.count >= 24 { return finding(.openAIKey, index, end, 0.97) }
        guard body.count >= 32, Validators.characterClasses(body) >= 3 else { return nil }
        return finding(.openAIKey, index, end, 0.9)
    }

    private static let awsKeyPrefixes: [StaticString] = ["AKIA", "ASIA", "ABIA", "ACCA", "AGPA", "AIDA", "AIPA", "ANPA", "ANVA", "APKA", "AROA", "ASCA"]

    private func uppercasePrefixed(_ text: UnsafeBufferPointer<UInt8>, at index: Int) -> ByteFinding? {
        guard text[index] == UInt8(ascii: "A") else { return nil }
        if Self.hasPrefix(text, at: index, "AIza") {
            let end = Self.runEnd(text, from: index + 4, limit: 64, Self.isTokenByte)
            if end - index == 39 { return finding(.googleAPIKey, index, end, 0.95) }
            return nil
        }
        for prefix in Self.awsKeyPrefixes where Self.hasPrefix(text, at: index, prefix) {
            let end = Self.runEnd(text, from: index + 4, limit: 32) { Self.isUpper($0) || Self.isDigit($0) }
            // AKIAXXXXXXXXXXXXXXXX and the like are placeholders.
            let body = UnsafeBufferPointer(rebasing: text[(index + 4)..<end])
            if end - index == 20, Self.endsAtBoundary(text, end), Validators.entropy(body) >= 2.5 {
                return finding(.awsAccessKeyID, index, end, 0.95)
            }
        }
        return nil
    }

    /// Three base64url segments whose header decodes to JSON naming an algorithm.
    private func jwt(_ text: UnsafeBufferPointer<UInt8>, at index: Int) -> ByteFinding? {
        let headerEnd = Self.runEnd(text, from: index, limit: 2048, Self.isBase64URL)
        guard headerEnd - index >= 10, headerEnd < text.count, text[headerEnd] == UInt8(ascii: ".") else { return nil }
        let payloadEnd = Self.runEnd(text, from: headerEnd + 1, limit: 16_384, Self.isBase64URL)
        guard payloadEnd - headerEnd > 4, payloadEnd < text.count, text[payloadEnd] == UInt8(ascii: ".") else { return nil }
        let signatureEnd = Self.runEnd(text, from: payloadEnd + 1, limit: 2048, Self.isBase64URL)
        guard let header = Self.base64URLDecode(UnsafeBufferPointer(rebasing: text[index..<headerEnd])),
              let json = String(validating: header, as: UTF8.self), json.contains("\"alg\"") else { return nil }
        // An unsigned token (`alg: none`) has an empty signature and is still a credential.
        return finding(.jwt, index, signatureEnd, signatureEnd - payloadEnd > 16 ? 0.95 : 0.85)
    }

    private static func base64URLDecode(_ bytes: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        var out: [UInt8] = []
        var accumulator: UInt32 = 0
        var bits = 0
        for byte in bytes {
            let value: UInt32
            switch byte {
            case 0x41...0x5A: value = UInt32(byte - 0x41)
            case 0x61...0x7A: value = UInt32(byte - 0x61 + 26)
            case 0x30...0x39: value = UInt32(byte - 0x30 + 52)
            case UInt8(ascii: "-"), UInt8(ascii: "+"): value = 62
            case UInt8(ascii: "_"), UInt8(ascii: "/"): value = 63
            default: return nil
            }
            accumulator = accumulator << 6 | value
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
            }
        }
        return out
    }

    /// `-----BEGIN … PRIVATE KEY-----` to its END line (or the end of the text, for a key cut off).
    private func privateKey(_ text: UnsafeBufferPointer<UInt8>, at index: Int) -> ByteFinding? {
        guard Self.hasPrefix(text, at: index, "-----BEGIN ") else { return nil }
        let lineEnd = Self.runEnd(text, from: index + 11, limit: 64) { $0 != UInt8(ascii: "-") && $0 != 0x0A }
        let label = String(decoding: UnsafeBufferPointer(rebasing: text[(index + 11)..<lineEnd]), as: UTF8.self)
        guard label.hasSuffix("PRIVATE KEY") || label == "PGP PRIVATE KEY BLOCK" else { return nil }
        var cursor = lineEnd
        while cursor < text.count {
            if text[cursor] == UInt8(ascii: "-"), Self.hasPrefix(text, at: cursor, "-----END ") {
                // The END line's label, then its closing dashes.
                let labelEnd = Self.runEnd(text, from: cursor + 9, limit: 64) { $0 != UInt8(ascii: "-") && $0 != 0x0A }
                let close = Self.runEnd(text, from: labelEnd, limit: 5) { $0 == UInt8(ascii: "-") }
                return finding(.privateKey, index, close, 0.99)
            }
            cursor += 1
        }
        return finding(.privateKey, index, text.count, 0.95)
    }

    // MARK: Personal data

    /// Local part before `@` (read back at most 64 bytes), a dotted domain after it with an
    /// alphabetic top-level label.
    private func email(_ text: UnsafeBufferPointer<UInt8>, at sign: Int) -> ByteFinding? {
        func isLocal(_ byte: UInt8) -> Bool {
            Self.isAlphanumeric(byte) || [UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "%"), UInt8(ascii: "+"), UInt8(ascii: "-")].contains(byte)
        }
        var start = sign
        while start > 0, sign - start < 64, isLocal(text[start - 1]) { start -= 1 }
        while start < sign, !Self.isAlphanumeric(text[start]) { start += 1 }
        guard start < sign else { return nil }
        var end = Self.runEnd(text, from: sign + 1, limit: 253) { Self.isAlphanumeric($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") }
        while end > sign + 1, text[end - 1] == UInt8(ascii: ".") || text[end - 1] == UInt8(ascii: "-") { end -= 1 }
        let domain = UnsafeBufferPointer(rebasing: text[(sign + 1)..<end])
        guard let lastDot = domain.lastIndex(of: UInt8(ascii: ".")), domain.first.map(Self.isAlphanumeric) == true else { return nil }
        let topLevel = domain[(lastDot + 1)...]
        guard topLevel.count >= 2, topLevel.allSatisfy({ (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) }) else { return nil }
        // `name@2x.png` and the like: an image suffix, not a mailbox.
        guard !Self.imageSuffixes.contains(where: { suffix in
            suffix.count == topLevel.count && zip(topLevel, suffix).allSatisfy { ASCIISearch.lower($0) == $1 }
        }) else { return nil }
        return finding(.email, start, end, 0.95)
    }

    private static let imageSuffixes: [[UInt8]] = ["png", "jpg", "jpeg", "gif", "svg", "webp"].map { Array($0.utf8) }

    /// IBAN: country code, two check digits, then the account in groups of up to four
    /// (optionally space-separated); the country's length and mod 97 must agree.
    private func iban(_ text: UnsafeBufferPointer<UInt8>, at index: Int) -> ByteFinding? {
        guard index + 15 <= text.count, Self.isUpper(text[index + 1]), Self.isDigit(text[index + 2]), Self.isDigit(text[index + 3]) else { return nil }
        let country = String(decoding: UnsafeBufferPointer(rebasing: text[index..<(index + 2)]), as: UTF8.self)
        guard let length = Validators.ibanLengths[country] else { return nil }
        var characters: [UInt8] = []
        var cursor = index
        var end = index
        while cursor < text.count, characters.count < length {
            let byte = text[cursor]
            if Self.isUpper(byte) || Self.isDigit(byte) {
                characters.append(byte)
                cursor += 1
                end = cursor
            } else if byte == 0x20, characters.count % 4 == 0, cursor + 1 < text.count, Self.isAlphanumeric(text[cursor + 1]) {
                cursor += 1
            } else {
                break
            }
        }
        guard characters.count == length, Self.endsAtBoundary(text, end), Validators.ibanChecksum(characters) else { return nil }
        return finding(.iban, index, end, 0.97)
    }

    /// A run of digits with phone and card separators, classified as IPv4, card, SSN or phone.
    private func numeric(_ text: UnsafeBufferPointer<UInt8>, at index: Int) -> ByteFinding? {
        if let address = ipv4(text, at: index) { return address }
        // Most numbers in text are short; count digits before allocating anything.
        var digitCount = 0
        var scan = index
        while scan < min(text.count, index + 40) {
            let byte = text[scan]
            if Self.isDigit(byte) { digitCount += 1 } else if !(byte == 0x20 || byte == 0x2D || byte == 0x2E || byte == 0x28 || byte == 0x29 || byte == 0x2B) { break }
            scan += 1
        }
        guard digitCount >= 7 else { return nil }
        var digits: [UInt8] = []
        var separators: [UInt8] = []
        var groups: [Int] = []
        var current = 0
        var cursor = index
        var end = index
        let plus = text[index] == UInt8(ascii: "+")
        if plus { cursor += 1 }
        let limit = min(text.count, index + 40)
        var openParen = false
        while cursor < limit {
            let byte = text[cursor]
            if Self.isDigit(byte) {
                digits.append(byte)
                current += 1
                cursor += 1
                end = cursor
                continue
            }
            let isSeparator = byte == 0x20 || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
                || byte == UInt8(ascii: "(") || byte == UInt8(ascii: ")")
            guard isSeparator, cursor + 1 < text.count else { break }
            let next = text[cursor + 1]
            // One separator between groups (")" may be followed by a space).
            if byte == UInt8(ascii: "(") { openParen = true } else if byte == UInt8(ascii: ")") {
                guard openParen else { break }
                openParen = false
            }
            let continues = Self.isDigit(next) || (byte == UInt8(ascii: ")") && next == 0x20)
                || (byte == 0x20 && next == UInt8(ascii: "(")) || (byte == UInt8(ascii: "(") && Self.isDigit(next))
            guard continues else { break }
            if current > 0 { groups.append(current) }
            current = 0
            separators.append(byte)
            cursor += 1
        }
        if current > 0 { groups.append(current) }
        guard !digits.isEmpty, Self.endsAtBoundary(text, end) else { return nil }
        // A number inside a longer dotted or dashed token (a version, a date) is neither.
        if end < text.count, [UInt8(ascii: "."), UInt8(ascii: "-"), UInt8(ascii: "/")].contains(text[end]),
           end + 1 < text.count, Self.isDigit(text[end + 1]) { return nil }
        if let card = paymentCard(digits, separators: separators, groups: groups, start: index, end: end) { return card }
        if let ssn = ssn(digits, separators: separators, groups: groups, text: text, start: index, end: end) { return ssn }
        return phone(digits, separators: separators, groups: groups, plus: plus, text: text, start: index, end: end)
    }

    private func paymentCard(_ digits: [UInt8], separators: [UInt8], groups: [Int], start: Int, end: Int) -> ByteFinding? {
        guard (13...19).contains(digits.count), Validators.luhn(digits), Validators.cardBrand(digits) != nil else { return nil }
        // Separators, if any, are all the same space or dash and split the number into groups
        // of four (or Amex's 4-6-5).
        if !separators.isEmpty {
            guard Set(separators).count == 1, separators[0] == 0x20 || separators[0] == UInt8(ascii: "-") else { return nil }
            let fours = groups.dropLast().allSatisfy { $0 == 4 } && (1...4).contains(groups.last ?? 0)
            guard fours || groups == [4, 6, 5] || groups == [4, 6, 4] else { return nil }
        }
        return finding(.paymentCard, start, end, separators.isEmpty ? 0.9 : 0.97)
    }

    private static let ssnContext = ASCIIWords(["ssn", "social security", "social-security", "ss#", "soc sec", "taxpayer"])

    private func ssn(_ digits: [UInt8], separators: [UInt8], groups: [Int], text: UnsafeBufferPointer<UInt8>, start: Int, end: Int) -> ByteFinding? {
        guard digits.count == 9 else { return nil }
        let value = { (range: Range<Int>) in Int(String(decoding: digits[range], as: UTF8.self)) ?? 0 }
        guard Validators.validSSN(area: value(0..<3), group: value(3..<5), serial: value(5..<9)) else { return nil }
        if groups == [3, 2, 4], Set(separators).count == 1, separators[0] == UInt8(ascii: "-") || separators[0] == 0x20 {
            return finding(.usSSN, start, end, separators[0] == UInt8(ascii: "-") ? 0.9 : 0.8)
        }
        if separators.isEmpty, Self.context(text, before: start, within: 40, Self.ssnContext) {
            return finding(.usSSN, start, end, 0.8)
        }
        return nil
    }

    private static let phoneContext = ASCIIWords(["phone", "tel", "call", "mobile", "cell", "fax", "whatsapp", "sms", "text me", "contact", "number"])
    private static let versionContext = ASCIIWords(["version"])
    private static let awsContext = ASCIIWords(["aws", "amazon"])

    private static let aws = Array("aws".utf8)

    private func phone(_ digits: [UInt8], separators: [UInt8], groups: [Int], plus: Bool, text: UnsafeBufferPointer<UInt8>, start: Int, end: Int) -> ByteFinding? {
        if plus {
            // E.164: a country code that does not start with 0, 8 to 15 digits.
            guard (8...15).contains(digits.count), digits[0] != UInt8(ascii: "0"), groups.count >= 2 || digits.count >= 10 else { return nil }
            return finding(.phone, start, end, 0.9)
        }
        var national = digits
        var shape = groups
        if national.count == 11, national[0] == UInt8(ascii: "1") {
            national.removeFirst()
            if shape.first == 1 { shape.removeFirst() } else { return nil }
        }
        let nanp = national.count == 10 && shape == [3, 3, 4]
            && (0x32...0x39).contains(national[0]) && (0x32...0x39).contains(national[3])
        if nanp {
            let mixedDots = separators.contains(UInt8(ascii: ".")) && Set(separators).count > 1
            return mixedDots ? nil : finding(.phone, start, end, 0.85)
        }
        // Other national formats (a leading 0, groups of 2–4) only where the text says phone.
        let grouped = groups.count >= 3 && groups.allSatisfy { (2...5).contains($0) } && !separators.contains(UInt8(ascii: "."))
        if (9...12).contains(digits.count), grouped || separators.isEmpty,
           Self.context(text, before: start, within: 30, Self.phoneContext) {
            return finding(.phone, start, end, 0.75)
        }
        return nil
    }

    /// Whether one of `words` (lowercase ASCII) appears in the `within` bytes before `index`.
    private static func context(_ text: UnsafeBufferPointer<UInt8>, before index: Int, within: Int, _ words: ASCIIWords) -> Bool {
        words.found(in: UnsafeBufferPointer(rebasing: text[max(0, index - within)..<index]))
    }

    /// Four decimal octets (0–255, no leading zeros) and not part of a longer dotted number.
    private func ipv4(_ text: UnsafeBufferPointer<UInt8>, at index: Int) -> ByteFinding? {
        var cursor = index
        for octet in 0..<4 {
            let start = cursor
            var value = 0
            while cursor < text.count, cursor - start < 3, Self.isDigit(text[cursor]) {
                value = value * 10 + Int(text[cursor] - 0x30)
                cursor += 1
            }
            let length = cursor - start
            guard length > 0, value <= 255, length == 1 || text[start] != UInt8(ascii: "0") else { return nil }
            if octet < 3 {
                guard cursor < text.count, text[cursor] == UInt8(ascii: ".") else { return nil }
                cursor += 1
            }
        }
        guard cursor >= text.count || !(Self.isDigit(text[cursor]) || (text[cursor] == UInt8(ascii: ".")
            && cursor + 1 < text.count && Self.isDigit(text[cursor + 1]))) else { return nil }
        // "version 1.2.3.4" or "v1.2.3.4" is a version.
        if index > 0, text[index - 1] == UInt8(ascii: "v") || Self.context(text, before: index, within: 9, Self.versionContext) { return nil }
        return finding(.ipv4, index, cursor, 0.85)
    }

    /// Colon-separated groups of one to four hex digits: eight of them, or fewer with one `::`,
    /// at least three groups in all (a time like 12:30:45 is never eight groups).
    private func ipv6(_ text: UnsafeBufferPointer<UInt8>, at index: Int) -> ByteFinding? {
        let end = Self.runEnd(text, from: index, limit: 45) { Self.isHex($0) || $0 == UInt8(ascii: ":") || $0 == UInt8(ascii: ".") }
        guard end - index >= 3, text[index..<end].contains(UInt8(ascii: ":")) else { return nil }
        var trimmed = end
        // Sentence punctuation after an address ("…:fe12." or "…::1:" before a newline) is not part of it.
        while trimmed > index, text[trimmed - 1] == UInt8(ascii: ".")
                || (text[trimmed - 1] == UInt8(ascii: ":") && !(trimmed - 2 > index && text[trimmed - 2] == UInt8(ascii: ":"))) {
            trimmed -= 1
        }
        guard trimmed >= text.count || !Self.isAlphanumeric(text[trimmed]) || trimmed < end else { return nil }
        if end < text.count, Self.isAlphanumeric(text[end]) { return nil }
        guard Self.isIPv6(UnsafeBufferPointer(rebasing: text[index..<trimmed])) else { return nil }
        return finding(.ipv6, index, trimmed, 0.85)
    }

    /// Eight groups, or fewer around one `::`; the last group may be a dotted IPv4 address.
    static func isIPv6(_ candidate: UnsafeBufferPointer<UInt8>) -> Bool {
        var groups = 0
        var compressed = false
        var index = 0
        let count = candidate.count
        guard count >= 2 else { return false }
        if candidate[0] == UInt8(ascii: ":") {
            guard candidate[1] == UInt8(ascii: ":") else { return false }
            compressed = true
            index = 2
        }
        while index < count {
            let groupStart = index
            while index < count, isHex(candidate[index]) { index += 1 }
            if index < count, candidate[index] == UInt8(ascii: ".") {
                // An embedded IPv4 address ends the address and counts as two groups.
                guard let dotted = dottedQuadLength(UnsafeBufferPointer(rebasing: candidate[groupStart...])),
                      groupStart + dotted == count else { return false }
                groups += 2
                index = count
                break
            }
            let length = index - groupStart
            guard (1...4).contains(length) else { return false }
            groups += 1
            guard index < count else { break }
            guard candidate[index] == UInt8(ascii: ":") else { return false }
            index += 1
            if index < count, candidate[index] == UInt8(ascii: ":") {
                guard !compressed else { return false }
                compressed = true
                index += 1
            } else if index == count {
                return false
            }
        }
        return compressed ? groups >= 2 && groups < 8 : groups == 8
    }

    /// The length of a dotted quad (four decimal octets up to 255) at the start of `text`.
    private static func dottedQuadLength(_ text: UnsafeBufferPointer<UInt8>) -> Int? {
        var index = 0
        for octet in 0..<4 {
            var value = 0
            let start = index
            while index < text.count, index - start < 3, isDigit(text[index]) {
                value = value * 10 + Int(text[index] - 0x30)
                index += 1
            }
            guard index > start, value <= 255 else { return nil }
            if octet < 3 {
                guard index < text.count, text[index] == UInt8(ascii: ".") else { return nil }
                index += 1
            }
        }
        return index
    }

    // MARK: Assigned secrets

    /// Names that say their value is a secret, at the start or end of a (case-insensitive)
    /// name; looked up without building a string, since this runs at every `=` and `:` of code
    /// and JSON.
    private static let secretNames = ASCIIAffixes([
        "password", "passwd", "pwd", "passphrase", "secret", "token", "api_key", "apikey", "api-key", "access_key",
        "secret_key", "client_secret", "auth_token", "access_token", "refresh_token", "private_key", "credentials",
        "aws_secret_access_key", "secret_access_key", "db_pass", "database_password", "authorization", "bearer",
        "signing_key", "encryption_key", "master_key", "session_key", "app_secret", "webhook_secret",
    ])

    private static let placeholders = ASCIIWords([
        "xxxx", "****", "changeme", "change_me", "your", "example", "placeholder", "redacted", "dummy", "sample",
        "<", "${", "{{", "process.env", "os.environ", "getenv", "env[", "null", "none", "true", "false", "undefined",
        "password", "secret", "...", "todo", "fixme", "test1234", "hunter2",
    ])

    /// `name = value` / `name: value` / `"name": "value"` where the name says secret and the
    /// value looks like one (eight or more characters, two or more character classes, enough
    /// entropy, not a placeholder). The span is the value. Also `Bearer <token>`.
    private func assignedSecret(_ text: UnsafeBufferPointer<UInt8>, at index: Int) -> ByteFinding? {
        // The name: letters, digits, `_`, `-`, `.` before the operator (and its quote or spaces).
        var nameEnd = index
        while nameEnd > 0, text[nameEnd - 1] == 0x20 || text[nameEnd - 1] == UInt8(ascii: "\"") || text[nameEnd - 1] == UInt8(ascii: "'") {
            nameEnd -= 1
        }
        var nameStart = nameEnd
        while nameStart > 0, nameEnd - nameStart < 48,
              Self.isAlphanumeric(text[nameStart - 1]) || text[nameStart - 1] == UInt8(ascii: "_") || text[nameStart - 1] == UInt8(ascii: "-") || text[nameStart - 1] == UInt8(ascii: ".") {
            nameStart -= 1
        }
        guard nameEnd - nameStart >= 3, Self.secretNames.affixes(UnsafeBufferPointer(rebasing: text[nameStart..<nameEnd])) else { return nil }
        let name = UnsafeBufferPointer(rebasing: text[nameStart..<nameEnd])
        // The value, after `=`/`:` (or `=>`, `:=`), spaces and an opening quote.
        var valueStart = index + 1
        while valueStart < text.count, [0x20, UInt8(ascii: "="), UInt8(ascii: ">"), UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: "`")].contains(text[valueStart]) {
            valueStart += 1
        }
        if Self.hasPrefix(text, at: valueStart, "Bearer ") || Self.hasPrefix(text, at: valueStart, "bearer ") { valueStart += 7 }
        let valueEnd = Self.runEnd(text, from: valueStart, limit: 256) { byte in
            byte > 0x20 && byte < 0x7F && ![UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: "`"), UInt8(ascii: ","), UInt8(ascii: ";")].contains(byte)
        }
        let value = UnsafeBufferPointer(rebasing: text[valueStart..<valueEnd])
        guard value.count >= 8 else { return nil }
        guard !Self.placeholders.found(in: value),
              Validators.characterClasses(value) >= 2, Validators.entropy(value) >= 3.0 else { return nil }
        // A key with a known prefix is reported as that type by its own detector.
        if let known = lowercasePrefixed(text, at: valueStart) ?? uppercasePrefixed(text, at: valueStart) { return known }
        let isAWSSecret = value.count == 40
            && (ASCIISearch.contains(name, Self.aws) || Self.context(text, before: nameStart, within: 60, Self.awsContext))
        return finding(isAWSSecret ? .awsSecretKey : .genericSecret, valueStart, valueEnd, isAWSSecret ? 0.9 : 0.8)
    }
}
