import AsyncHTTPClient
import Foundation
import NIOCore

/// Fetches a JWKS document: GET with a five-second deadline, 200 only, at most 1 MiB.
public enum JWKSDocument {
    @Sendable public static func fetch(_ url: String) async throws -> Data {
        var request = HTTPClientRequest(url: url)
        request.headers.add(name: "Accept", value: "application/json")
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(5))
        let body = try await response.body.collect(upTo: 1 << 20)
        guard response.status == .ok else { throw JWKSUnavailable(status: Int(response.status.code)) }
        return Data(buffer: body)
    }
}

struct JWKSUnavailable: Error, CustomStringConvertible {
    let status: Int
    var description: String { "JWKS answered \(status)" }
}
