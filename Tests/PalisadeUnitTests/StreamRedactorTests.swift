import PalisadeGuard
import Testing

@Suite struct StreamRedactorTests {
    /// Splits `text` into pieces of 1 to `maximum` scalars, deterministically.
    private func pieces(_ text: String, seed: Int, maximum: Int = 7) -> [String] {
        var out: [String] = []
        var scalars = Substring(text).unicodeScalars[...]
        var state = seed
        while !scalars.isEmpty {
            state = (state &* 1_103_515_245 &+ 12_345) & 0x7FFF_FFFF
            let size = min(scalars.count, 1 + state % maximum)
            out.append(String(String.UnicodeScalarView(scalars.prefix(size))))
            scalars = scalars.dropFirst(size)
        }
        return out
    }

    private func stream(_ parts: [String], window: Int = 64) throws -> (text: String, released: [StreamRedactor.Released], redactor: StreamRedactor) {
        var redactor = StreamRedactor(window: window) { _ in .strict }
        var released: [StreamRedactor.Released] = []
        for part in parts { released += try redactor.push(part) }
        released += try redactor.finish()
        return (released.map(\.text).joined(), released, redactor)
    }

    @Test func aSecretSplitAcrossPiecesIsRedactedAsIfWhole() throws {
        let key = "sk-ant-api03-" + String(repeating: "Zx9_", count: 20) + "AA"
        let text = "Here is the key you asked for: \(key) and the card 4111 1111 1111 1111, thanks."
        let whole = try Redactor.redact(text, findings: GuardScanner().scan(text, detectors: .dataLoss)) { _ in .strict }
        for seed in 1...25 {
            let parts = pieces(text, seed: seed)
            let (output, released, redactor) = try stream(parts)
            #expect(output == whole, "seed \(seed)")
            #expect(released.map(\.index) == Array(parts.indices), "every piece released once, in order")
            #expect(Set(redactor.findings.map(\.detector)) == ["anthropic_api_key", "payment_card"])
            #expect(!output.contains("Zx9_"))
        }
    }

    /// The generic secret detector knows a value by the name before it, which a small window
    /// has released well before the value arrives.
    @Test func aSecretKnownByItsNameIsFoundAfterTheNameWentOut() throws {
        let text = #"{"user": "jane", "password": "Zq8v3LmT9xPk2Wn7", "note": "ok"}"#
        let whole = try Redactor.redact(text, findings: GuardScanner().scan(text, detectors: .dataLoss)) { _ in .strict }
        #expect(whole == #"{"user": "jane", "password": "[redacted:generic_secret]", "note": "ok"}"#)
        for seed in 1...10 {
            let (output, _, _) = try stream(pieces(text, seed: seed, maximum: 3), window: 2)
            #expect(output == whole, "seed \(seed)")
        }
    }

    @Test func holdsBackOnlyTheWindow() throws {
        var redactor = StreamRedactor(window: 16) { _ in .strict }
        var released: [StreamRedactor.Released] = []
        let words = (0..<40).map { "word\($0) " }
        for (index, word) in words.enumerated() {
            released += try redactor.push(word)
            let held = words[released.count...index].joined().unicodeScalars.count
            // A piece goes once 16 scalars followed it (ordinary words end in spaces).
            #expect(held <= 16 + word.unicodeScalars.count + 1)
        }
        released += try redactor.finish()
        #expect(released.map(\.text).joined() == words.joined())
    }

    @Test func aPrivateKeyIsHeldUntilItEnds() throws {
        let body = (0..<10).map { _ in String(repeating: "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC", count: 2) }.joined(separator: "\n")
        let text = "key:\n-----BEGIN PRIVATE KEY-----\n\(body)\n-----END PRIVATE KEY-----\nbye"
        let (output, _, _) = try stream(pieces(text, seed: 3, maximum: 11), window: 32)
        #expect(output == "key:\n[redacted:private_key]\nbye")
    }

    @Test func flaggedValuesPassUnchangedAndAreReportedOnce() throws {
        var redactor = StreamRedactor(window: 32) { _ in .flag }
        let text = "mail me at jane.roe@mailbox.org today"
        var output = ""
        for part in pieces(text, seed: 9) { output += try redactor.push(part).map(\.text).joined() }
        output += try redactor.finish().map(\.text).joined()
        #expect(output == text)
        #expect(redactor.findings.map(\.detector) == ["email"])
        #expect(redactor.findings.first.map { Array(text.unicodeScalars)[$0.start..<$0.end].map(String.init).joined() } == "jane.roe@mailbox.org")
    }
}
