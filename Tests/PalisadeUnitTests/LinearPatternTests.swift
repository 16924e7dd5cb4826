@testable import PalisadePolicy
import Testing

@Suite struct LinearPatternTests {
    func matches(_ pattern: String, _ text: String) throws -> Bool {
        try LinearPattern(pattern).matches(text)
    }

    @Test(arguments: [
        ("abc", "xxabcxx", true), ("abc", "ab", false), ("^abc", "abcd", true), ("^abc", "xabc", false),
        ("abc$", "xabc", true), ("abc$", "abcx", false), ("^abc$", "abc", true), ("^a*$", "", true), ("^a+$", "", false),
        ("a.c", "a-c", true), ("a.c", "ac", false), ("colou?r", "color", true), ("colou?r", "colour", true),
        ("^(ab|cd)+$", "abcdab", true), ("^(ab|cd)+$", "abca", false), ("^[a-c]{2,3}$", "abc", true), ("^[a-c]{2,3}$", "abca", false),
        ("^[a-c]{2}$", "ab", true), ("^x{2,}$", "xxxx", true), ("^x{2,}$", "x", false), ("[^0-9]", "123", false), ("[^0-9]", "12a", true),
        (#"^\d{3}-\d{4}$"#, "555-0100", true), (#"^\w+@\w+\.com$"#, "ops@example.com", true), (#"\s"#, "nospace", false),
        (#"^\S+$"#, "no-space", true), (#"^a\.b$"#, "a.b", true), (#"^a\.b$"#, "axb", false), ("(?i)^secret", "SeCrEt plan", true),
        ("^(?:prod|stage)-[a-z]+$", "prod-chat", true), ("^(?:prod|stage)-[a-z]+$", "dev-chat", false), ("é+", "caféé", true),
        ("^[à-ÿ]+$", "éàü", true), ("^.{3}$", "日本語", true), ("", "anything", true), ("^$", "", true), ("^$", "x", false),
    ])
    func semantics(_ pattern: String, _ text: String, _ expected: Bool) throws {
        #expect(try matches(pattern, text) == expected, "\(pattern) on \(text)")
    }

    /// The patterns that make backtracking engines take exponential time are answered in
    /// one pass (the answer is what is checked; the pass is linear by construction).
    @Test func catastrophicPatternsAreAnsweredCorrectly() throws {
        let text = String(repeating: "a", count: 50_000) + "!"
        #expect(try matches("^(a+)+$", text) == false)
        #expect(try matches("^(a|a)*$", text) == false)
        #expect(try matches("(a*)*b", text) == false)
        #expect(try matches("^(a+)+!$", text) == true)
    }

    @Test(arguments: [
        ("(abc", 0, "unclosed '('"), ("abc)", 3, "unbalanced ')'"), ("[abc", 0, "unclosed '['"), ("*a", 0, "nothing to repeat"),
        ("a**", 2, "a quantifier cannot follow another"), ("a^b", 1, "'^' and '$' may only stand at the ends"),
        (#"\p"#, 0, "unknown escape"), ("a{3,1}", 1, "repetition {m,n} needs m <= n"), ("(?=x)", 0, "only (?i) at the start"),
        ("[z-a]", 3, "range out of order"),
    ])
    func errorsNameTheirOffset(_ pattern: String, _ offset: Int, _ message: String) {
        #expect(throws: PatternError.self) { try LinearPattern(pattern) }
        do {
            _ = try LinearPattern(pattern)
        } catch {
            #expect(error.offset == offset, "\(pattern): \(error.message)")
            #expect(error.message.hasPrefix(message), "\(pattern): \(error.message)")
        }
    }

    @Test func positionsAreBounded() throws {
        #expect(throws: PatternError.self) { try LinearPattern(String(repeating: "a", count: 65)) }
        #expect(throws: PatternError.self) { try LinearPattern("(ab){40}") }
        _ = try LinearPattern(String(repeating: "a", count: 64))
    }
}
