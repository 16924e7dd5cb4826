import Foundation
import PalisadeAuth
import PalisadeCrypto
import PalisadeEdge
import PalisadeService
import Testing

@Suite struct EdgeCredentialTests {
    @Test func apiKeyTextRoundTripsAndRejectsLookalikes() throws {
        let key = APIKeyText.generate()
        let parsed = try #require(APIKeyText(key.text))
        #expect(parsed == key)
        #expect(parsed.matches(storedHash: key.secretHash))
        #expect(!parsed.matches(storedHash: APIKeyText.generate().secretHash))
        #expect(APIKeyText("pal_\(key.id)") == nil)
        #expect(APIKeyText("pal_\(key.id.uppercased())_\(key.secret)") == nil)
        #expect(APIKeyText("key_\(key.id)_\(key.secret)") == nil)
        #expect(APIKeyText("pal_\(key.id)_short") == nil)
    }

    @Test func constantTimeEqualityComparesWholeValues() {
        #expect(ConstantTime.equal(Data([1, 2, 3]), Data([1, 2, 3])))
        #expect(!ConstantTime.equal(Data([1, 2, 3]), Data([1, 2, 4])))
        #expect(!ConstantTime.equal(Data([1, 2, 3]), Data([1, 2])))
    }

    @Test func masterKeySealsBoundToItsContext() throws {
        let key = try MasterKey(encoded: MasterKey.generateEncoded(keyID: "m1"))
        let sealed = try key.seal(Data("secret".utf8), context: "row-1")
        #expect(try key.open(sealed, context: "row-1") == Data("secret".utf8))
        #expect(throws: KeyWrappingError.self) { try key.open(sealed, context: "row-2") }
        var tampered = sealed
        tampered[tampered.count - 1] ^= 1
        #expect(throws: KeyWrappingError.self) { try key.open(tampered, context: "row-1") }
        let other = try MasterKey(encoded: MasterKey.generateEncoded(keyID: "m2"))
        #expect(throws: KeyWrappingError.self) { try other.open(sealed, context: "row-1") }
        #expect(throws: KeyWrappingError.self) { try MasterKey(encoded: "m1:c2hvcnQ=") }
    }

    @Test func traceContextContinuesAValidTraceAndStartsOtherwise() {
        let incoming = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
        let continued = TraceContext(continuing: incoming)
        #expect(continued.traceID == "4bf92f3577b34da6a3ce929d0e0e4736")
        #expect(continued.spanID != "00f067aa0ba902b7")
        #expect(continued.header.hasPrefix("00-4bf92f3577b34da6a3ce929d0e0e4736-"))
        for bad in ["", "00-0000000000000000000000000000000-00f067aa0ba902b7-01",
                    "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
                    "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
                    "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                    "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra"] {
            let fresh = TraceContext(continuing: bad)
            #expect(fresh.traceID != "4bf92f3577b34da6a3ce929d0e0e4736")
            #expect(fresh.traceID.count == 32 && fresh.spanID.count == 16 && fresh.flags == "01")
        }
    }

    @Test func generatedRequestIDsAreVersionFourUUIDs() {
        let ids = (0..<100).map { _ in RandomUUID.text() }
        #expect(Set(ids).count == ids.count)
        for id in ids {
            #expect(UUID(uuidString: id) != nil && id == id.lowercased())
            let characters = Array(id)
            #expect(characters[14] == "4" && "89ab".contains(characters[19]))
        }
        #expect(SecureBytes.random(13).count == 13)
    }

    @Test func encodedNULIsFoundAnywhereInTheTarget() {
        #expect(QuerySafetyMiddleware.containsEncodedNUL("/v1/events?route=a%00b"))
        #expect(QuerySafetyMiddleware.containsEncodedNUL("/v1/a%00"))
        #expect(QuerySafetyMiddleware.containsEncodedNUL("/v1/%%00"))
        #expect(!QuerySafetyMiddleware.containsEncodedNUL("/v1/events?route=a%2500b"))
        #expect(!QuerySafetyMiddleware.containsEncodedNUL("/v1/events?limit=100&cursor=%0"))
        #expect(!QuerySafetyMiddleware.containsEncodedNUL("%0"))
        #expect(!QuerySafetyMiddleware.containsEncodedNUL(""))
    }

    @Test func byteSearchFindsANeedleWhereverItStartsAndEnds() {
        let escape = Array("\\u".utf8)
        #expect(ByteSearch.contains(escape, in: #"{"a":"\u00e9"}"#.utf8))
        #expect(ByteSearch.contains(escape, in: #"\u"#.utf8))
        #expect(!ByteSearch.contains(escape, in: #"{"a":"u\n\\"}"#.utf8))
        #expect(!ByteSearch.contains(escape, in: #"\"#.utf8))
        // Without contiguous storage the bytes are copied once, with the same answers.
        #expect(ByteSearch.contains(escape, in: #"x\\u"#.utf8.lazy.map { $0 }))
        #expect(!ByteSearch.contains(escape, in: #"u\ \"#.utf8.lazy.map { $0 }))
        #expect(ByteSearch.contains([], in: "".utf8))
    }

    @Test func mediaTypesLoseOnlyTheSpacesAndTabsAroundThem() {
        #expect(FieldText.trimmingOptionalWhitespace(" \tapplication/json \t") == "application/json")
        #expect(FieldText.trimmingOptionalWhitespace("application/json") == "application/json")
        #expect(FieldText.trimmingOptionalWhitespace("  ") == "")
        #expect(FieldText.trimmingOptionalWhitespace("text/ plain") == "text/ plain")
    }

    @Test func bearerCredentialIsReadCaseInsensitivelyAndTrimmed() {
        #expect(AuthenticationMiddleware.bearerToken("Bearer abc") == "abc")
        #expect(AuthenticationMiddleware.bearerToken("bEaReR \tabc.def  ") == "abc.def")
        #expect(AuthenticationMiddleware.bearerToken("Bearer    ") == nil)
        #expect(AuthenticationMiddleware.bearerToken("Bearer") == nil)
        #expect(AuthenticationMiddleware.bearerToken("Basic abc") == nil)
        #expect(AuthenticationMiddleware.bearerToken("Bearerabc") == nil)
        #expect(AuthenticationMiddleware.bearerToken("Bearer\u{0}abc") == nil)
        #expect(AuthenticationMiddleware.bearerToken(nil) == nil)
    }

    /// Keys that a rotation adds are learnt on the first token that names them.
    @Test func verifierLearnsRotatedKeysFromItsSource() async throws {
        let first = PlatformSigningKey.generate(kid: "k1")
        let second = PlatformSigningKey.generate(kid: "k2")
        let source = RotatingSource(keys: [first.verifyingKey])
        let verifier = await PlatformTokenVerifier(verifyingKeys: [], source: source, minimumRefreshInterval: .zero)
        try await verifier.refresh()
        let claims = PlatformClaims(subject: "s", tenantID: UUID(), roles: [], capabilities: [])
        _ = try await verifier.verify(try await PlatformTokenIssuer(signingKey: first).mint(claims))
        let rotated = try await PlatformTokenIssuer(signingKey: second).mint(claims)
        await #expect(throws: TokenError.unknownKey) { try await verifier.verify(rotated) }
        source.publish([first.verifyingKey, second.verifyingKey])
        #expect(try await verifier.verify(rotated).sub.value == "s")
        let stranger = try await PlatformTokenIssuer(signingKey: .generate(kid: "k2")).mint(claims)
        await #expect(throws: TokenError.self) { try await verifier.verify(stranger) }
    }
}

/// Our own key-source seam, not a third party: stands in for the gateway's JWKS.
final class RotatingSource: PlatformKeySource, @unchecked Sendable {
    // @unchecked Sendable: `keys` is guarded by `lock`.
    private let lock = NSLock()
    private var keys: [PlatformVerifyingKey]

    init(keys: [PlatformVerifyingKey]) {
        self.keys = keys
    }

    func publish(_ keys: [PlatformVerifyingKey]) {
        lock.withLock { self.keys = keys }
    }

    func verifyingKeys() async throws -> [PlatformVerifyingKey] {
        lock.withLock { keys }
    }
}
