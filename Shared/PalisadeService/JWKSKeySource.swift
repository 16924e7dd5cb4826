import AsyncHTTPClient
import Foundation
import NIOCore
import PalisadeAuth

/// The gateway's `/.well-known/jwks.json`, where services learn rotated platform token keys.
public struct JWKSKeySource: PlatformKeySource {
    let url: String

    public init(url: String) {
        self.url = url
    }

    public func verifyingKeys() async throws -> [PlatformVerifyingKey] {
        var request = HTTPClientRequest(url: url)
        request.headers.add(name: "Accept", value: "application/json")
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(5))
        let body = try await response.body.collect(upTo: 1 << 20)
        guard response.status == .ok else { throw JWKSUnavailable(status: Int(response.status.code)) }
        return PlatformVerifyingKey.keys(in: try JSONDecoder().decode(JSONWebKeySet.self, from: Data(buffer: body)))
    }
}

struct JWKSUnavailable: Error, CustomStringConvertible {
    let status: Int
    var description: String { "JWKS answered \(status)" }
}
