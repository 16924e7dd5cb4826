@testable import PalisadeGuard
import Testing

/// The indexed word searches against the plain ones they replace, on seeded haystacks built
/// from the words' own pieces (near misses: a word's tail with another first byte, a head with
/// another last byte).
@Suite struct ASCIISearchTests {
    let words = ["token", "auth_token", "password", "pwd", "secret", "api-key", "xxxx", "${", "<", "env["]

    private func haystacks(count: Int, seed: UInt64) -> [[UInt8]] {
        var choices = SeededChoices(seed: seed)
        func next(_ bound: Int) -> Int { choices.next(bound) }
        let pieces = words.flatMap { [$0, String($0.dropFirst()), String($0.dropLast()), $0.uppercased()] }
            + ["roken", "jailbroken", "a", "_", "Z", "-", "{", "x", "passwor", "ecret"]
        return (0..<count).map { _ in Array((0..<next(4)).map { _ in pieces[next(pieces.count)] }.joined().utf8) }
    }

    private func lowered(_ bytes: [UInt8]) -> [UInt8] { bytes.map(ASCIISearch.lower) }

    @Test func affixesAreTheWordsThatBeginOrEndAName() {
        let affixes = ASCIIAffixes(words)
        var hits = 0
        for name in haystacks(count: 20_000, seed: 3) {
            let lower = lowered(name)
            let expected = words.map { Array($0.utf8) }.contains { word in
                word.count <= lower.count && (Array(lower.prefix(word.count)) == word || Array(lower.suffix(word.count)) == word)
            }
            #expect(name.withUnsafeBufferPointer { affixes.affixes($0) } == expected, "\(String(decoding: name, as: UTF8.self))")
            hits += expected ? 1 : 0
        }
        #expect(hits > 2_000 && hits < 18_000)
        #expect(!Array("jailbroken".utf8).withUnsafeBufferPointer { affixes.affixes($0) })
        #expect(Array("GITHUB_TOKEN".utf8).withUnsafeBufferPointer { affixes.affixes($0) })
    }

    @Test func wordsAreFoundAnywhereInAHaystack() {
        let search = ASCIIWords(words)
        var hits = 0
        for haystack in haystacks(count: 20_000, seed: 4) {
            let lower = lowered(haystack)
            let expected = words.map { Array($0.utf8) }.contains { word in
                lower.count >= word.count && (0...(lower.count - word.count)).contains { Array(lower[$0..<$0 + word.count]) == word }
            }
            #expect(haystack.withUnsafeBufferPointer { search.found(in: $0) } == expected, "\(String(decoding: haystack, as: UTF8.self))")
            hits += expected ? 1 : 0
        }
        #expect(hits > 2_000 && hits < 18_000)
    }
}
