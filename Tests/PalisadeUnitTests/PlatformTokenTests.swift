import Foundation
import PalisadeAuth
import Testing

@Suite struct PlatformTokenTests {
    let tenant = UUID()

    func claims(issuedAt: Date = Date()) -> PlatformClaims {
        PlatformClaims(subject: "user:test", tenantID: tenant, roles: ["admin"], capabilities: ["events:write"], issuedAt: issuedAt)
    }

    @Test func roundTripsAndCapsLifetime() async throws {
        let key = PlatformSigningKey.generate(kid: "k1")
        let token = try await PlatformTokenIssuer(signingKey: key).mint(claims())
        let verified = try await PlatformTokenVerifier(verifyingKeys: [key.verifyingKey]).verify(token)
        #expect(verified.tenant == tenant)
        #expect(verified.exp.value.timeIntervalSince(verified.iat.value) <= PlatformClaims.maximumLifetime)
        let long = PlatformClaims(subject: "s", tenantID: tenant, roles: [], capabilities: [], lifetime: 3600)
        #expect(long.exp.value.timeIntervalSince(long.iat.value) == PlatformClaims.maximumLifetime)
    }

    @Test func refusesExpiredWrongKeyAndUnsignedTokens() async throws {
        let key = PlatformSigningKey.generate(kid: "k1")
        let verifier = await PlatformTokenVerifier(verifyingKeys: [key.verifyingKey])
        let expired = try await PlatformTokenIssuer(signingKey: key).mint(claims(issuedAt: Date().addingTimeInterval(-3600)))
        await #expect(throws: TokenError.expired) { try await verifier.verify(expired) }

        let impostor = PlatformSigningKey.generate(kid: "k1")
        let forged = try await PlatformTokenIssuer(signingKey: impostor).mint(claims())
        await #expect(throws: TokenError.self) { try await verifier.verify(forged) }

        let otherKid = try await PlatformTokenIssuer(signingKey: .generate(kid: "k2")).mint(claims())
        await #expect(throws: TokenError.unknownKey) { try await verifier.verify(otherKid) }

        let parts = try await PlatformTokenIssuer(signingKey: key).mint(claims()).split(separator: ".")
        let none = Data(#"{"alg":"none","kid":"k1"}"#.utf8).base64EncodedString()
            .replacingOccurrences(of: "=", with: "").replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        await #expect(throws: TokenError.invalid("algorithm must be EdDSA")) { try await verifier.verify("\(none).\(parts[1]).") }
    }

    @Test func aVerifiedTokenStillExpiresOnTime() async throws {
        let key = PlatformSigningKey.generate(kid: "k1")
        let verifier = await PlatformTokenVerifier(verifyingKeys: [key.verifyingKey], verifiedLifetime: .seconds(3600))
        // Issued so that it expires about a second from now.
        let nearlyExpired = claims(issuedAt: Date().addingTimeInterval(1 - PlatformClaims.maximumLifetime))
        let token = try await PlatformTokenIssuer(signingKey: key).mint(nearlyExpired)
        _ = try await verifier.verify(token)
        let deadline = ContinuousClock.now + .seconds(10)
        var refused = false
        // The token is tried once more after the deadline: a test starved past it by busier
        // ones (the pool has one thread per core) still sees the expiry it waited for.
        while true {
            do {
                _ = try await verifier.verify(token)
            } catch TokenError.expired {
                refused = true
                break
            }
            guard ContinuousClock.now < deadline else { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(refused)
    }

    @Test func aCachedTokenDoesNotVouchForAnEditedOne() async throws {
        let key = PlatformSigningKey.generate(kid: "k1")
        let verifier = await PlatformTokenVerifier(verifyingKeys: [key.verifyingKey])
        let token = try await PlatformTokenIssuer(signingKey: key).mint(claims())
        _ = try await verifier.verify(token)
        let parts = token.split(separator: ".").map(String.init)
        let widened = PlatformClaims(subject: "user:test", tenantID: UUID(), roles: ["admin"], capabilities: ["events:write"])
        let payload = Base64URL.encode(try JSONEncoder().encode(widened))
        await #expect(throws: TokenError.self) { try await verifier.verify("\(parts[0]).\(payload).\(parts[2])") }
    }
}
