@testable import PalisadeGuard
import Testing

/// The DLP scanner looks only at words whose first bytes a detector can start with (found by
/// `guard_classify_dlp`); looking at every word must find exactly the same. The texts are
/// seeded mixes of the detectors' own shapes and the near misses around them: hex words and
/// colons at every distance, capitals before digits, lowercase prefixes, numbers running into
/// letters, across 64-byte elements.
@Suite struct DLPStartFilterTests {
    private func texts(count: Int, seed: UInt64) -> [String] {
        var choices = SeededChoices(seed: seed)
        func next(_ bound: Int) -> Int { choices.next(bound) }
        let pieces = [
            "2001:db8::1", "fe80::1", "aa:bb:cc::1", "abcd:", "ab:", "abcde:", "F00D::", "e::1", "deadbeef::", "::1",
            "DE89370400440532013000", "GB82 WEST 1234 5698 7654 32", "DE8", "GB8", "AB12", "A1", "AKIAQ7XZ2PLM4KD9W8RT", "AIza",
            "AIzaSyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q", "sk-ant-api03-abcdefghijklmnopqrstuvwxyz0123", "sk_live_4eC39HqLyjWDarjtT1zdp7dc",
            "rk_test_abcdefghijklmnop", "whsec_abcdefghijklmnopqrstuvwxyz", "ghp_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8", "github_pat_",
            "xoxb-1234-5678-abcdef", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlc2lnbmF0dXJl", "https://hooks.slack.com/services/T0/B0/abcdefghijklmnopqrstu",
            "hooks", "http", "sky", "rky", "what", "ghost", "gift", "xor", "eye", "home", "4111 1111 1111 1111", "4111-1111-1111-1111",
            "555-123-4567", "(555) 123-4567", "+44 20 7946 0958", "123-45-6789", "192.168.1.1", "10.0.0.256", "v1.2.3.4", "123abc",
            "9a", "a9", "user@example.com", "password=Zx8#kq2LmP9w", "token: q9W8e7R6t5Y4u3I2", "secret = changeme", "-----BEGIN PRIVATE KEY-----",
            "the", "and", "Ignore", "ZZ99", "Q", "q",
        ]
        let separators = [" ", "", "\n", ", ", ":", "=", "-", "(", ")", ".", "x", "1", "A", "é", "@", "+", "::"]
        return (0..<count).map { _ in
            (0..<(1 + next(14))).map { _ in pieces[next(pieces.count)] + separators[next(separators.count)] }.joined()
        }
    }

    @Test func lookingAtEveryWordFindsNothingMore() {
        let filtered = DLPScanner()
        let everyWord = DLPScanner(everyWordStart: true)
        var found = 0
        for text in texts(count: 6_000, seed: 17) {
            let bytes = Array(text.utf8)
            let expected = bytes.withUnsafeBufferPointer { everyWord.scan(utf8: $0) }
            let actual = bytes.withUnsafeBufferPointer { filtered.scan(utf8: $0) }
            #expect(actual == expected, "\(text.debugDescription)")
            found += expected.count
        }
        #expect(found > 6_000)
    }
}
