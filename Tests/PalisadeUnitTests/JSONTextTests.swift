import Foundation
@testable import PalisadeEvents
import PalisadeGuardQuality
import Testing

/// `JSONReader` and `JSONWriter` against Foundation on seeded random documents: the writer
/// must give `JSONEncoder`'s exact bytes (audit subjects are hashed as written), the reader
/// the values `JSONDecoder` gives, and both must refuse what is not JSON.
@Suite struct JSONTextTests {
    static let pieces = ["a", "B", "z9", "a10", "a9", "_", "Ä", "ß", "é", "😀", "\"", "\\", "/", "\n", "\t", "\u{1}", "\u{1F}", " ", "key", "Key",
                         "\u{7F}", "日本", "x-y", "10", "2", "</script>"]

    static func text(_ random: inout SeededGenerator) -> String {
        (0..<Int.random(in: 0...4, using: &random)).map { _ in pieces.randomElement(using: &random) ?? "" }.joined()
    }

    static func value(_ random: inout SeededGenerator, depth: Int = 0) -> JSONValue {
        switch Int.random(in: 0..<(depth > 3 ? 6 : 8), using: &random) {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &random))
        case 2: return .integer([0, 1, -1, 42, Int64.max, Int64.min, 1500].randomElement(using: &random) ?? 0)
        case 3: return .number([0.5, -0.25, 0.97, 1e21, 1.5e-7, 123456.789, 3.0e300, 0.1, 2.5].randomElement(using: &random) ?? 0)
        case 4, 5: return .string(text(&random))
        case 6: return .array((0..<Int.random(in: 0...4, using: &random)).map { _ in value(&random, depth: depth + 1) })
        default:
            var members: [String: JSONValue] = [:]
            for _ in 0..<Int.random(in: 0...5, using: &random) { members[text(&random)] = value(&random, depth: depth + 1) }
            return .object(members)
        }
    }

    @Test func theWriterGivesJSONEncodersBytes() throws {
        var random = SeededGenerator(seed: 7)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        for _ in 0..<2_000 {
            let value = Self.value(&random)
            let expected = try encoder.encode(value)
            let written = try #require(JSONWriter.bytes(of: value))
            #expect(String(decoding: written, as: UTF8.self) == String(decoding: expected, as: UTF8.self))
        }
        #expect(JSONWriter.bytes(of: .array([.number(.nan)])) == nil)
    }

    @Test func theReaderReadsWhatTheWriterWrote() throws {
        var random = SeededGenerator(seed: 11)
        for _ in 0..<2_000 {
            let value = Self.value(&random)
            let text = try #require(JSONWriter.bytes(of: value))
            #expect(try JSONReader.parse(text) == value)
            #expect(try JSONReader.parse(text) == JSONDecoder().decode(JSONValue.self, from: Data(text)))
        }
    }

    @Test(arguments: [
        #" { "a" : [ 1 , 2.5 , -0 , 1E2 , true , null ] , "b" : "\u00e9\ud83d\ude00\n\/" } "#,
        "[]", "{}", "0", "-12", "\"\"", "[[[[]]]]", "1e-3", "[\"\\\\\"]",
    ])
    func validDocumentsMatchJSONSerialization(_ text: String) throws {
        let ours = try JSONReader.parse(Array(text.utf8))
        let theirs = try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
        let ourJSON = try #require(JSONWriter.bytes(of: ours))
        let theirJSON = try JSONSerialization.data(withJSONObject: theirs, options: [.fragmentsAllowed, .sortedKeys, .withoutEscapingSlashes])
        #expect(try JSONReader.parse(ourJSON) == JSONReader.parse(theirJSON), "\(text)")
    }

    @Test(arguments: [
        "", " ", "[1,]", "{\"a\":1,}", "[1 2]", "{\"a\" 1}", "{a:1}", "'a'", "01", "1.", ".5", "-", "1e", "+1", "tru", "nul", "NaN",
        "Infinity", "[", "{", "\"abc", "\"\\x\"", "\"\\u12\"", "\"\\ud800\"", "\"\\udc00\"", "\"\\ud800\\u0041\"", "\"a\u{1}b\"", "1 2",
        "[1]x", "// c\n1", "1e999", "{\"a\":1}}",
        // A member name twice in one object, at any depth and however it is escaped.
        "{\"a\":1,\"a\":1}", "[{\"a\":{\"b\":1,\"c\":2,\"b\":3}}]", "{\"a\":1,\"\\u0061\":2}",
    ])
    func invalidDocumentsAreRefused(_ text: String) {
        #expect(throws: JSONReader.Failure.self, "\(text)") { try JSONReader.parse(Array(text.utf8)) }
    }

    @Test func invalidUTF8AndDeepNestingAreRefused() {
        #expect(throws: JSONReader.Failure.self) { try JSONReader.parse([0x22, 0xC3, 0x28, 0x22]) }
        #expect(throws: JSONReader.Failure.self) { try JSONReader.parse(Array(repeating: UInt8(ascii: "["), count: 10_000)) }
        let deepest = String(repeating: "[", count: JSONReader.maximumDepth) + String(repeating: "]", count: JSONReader.maximumDepth)
        #expect((try? JSONReader.parse(Array(deepest.utf8))) != nil)
    }

    @Test func nulIsReportedWhereverItIs() throws {
        var found = false
        _ = try JSONReader.parse(Array(#"{"a": ["x", "y\u0000"]}"#.utf8), containsNUL: &found)
        #expect(found)
        _ = try JSONReader.parse(Array(#"{"a\u0000": 1}"#.utf8), containsNUL: &found)
        #expect(found)
        _ = try JSONReader.parse(Array(#"{"a": "\u0001"}"#.utf8), containsNUL: &found)
        #expect(!found)
    }
}
