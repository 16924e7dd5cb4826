import Foundation
import PalisadeAuth

/// The gateway's `/.well-known/jwks.json`, where services learn rotated platform token keys.
public struct JWKSKeySource: PlatformKeySource {
    let url: String

    public init(url: String) {
        self.url = url
    }

    public func verifyingKeys() async throws -> [PlatformVerifyingKey] {
        PlatformVerifyingKey.keys(in: try JSONDecoder().decode(JSONWebKeySet.self, from: try await JWKSDocument.fetch(url)))
    }
}
