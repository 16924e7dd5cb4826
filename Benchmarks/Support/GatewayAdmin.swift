import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat

/// Setting up what a benchmark needs through the gateway's API, as a tenant administrator.
public struct GatewayAdmin: Sendable {
    public let client: HTTPClient
    public let gateway: String
    public let token: String

    public init(client: HTTPClient, gateway: String, token: String) {
        self.client = client
        self.gateway = gateway
        self.token = token
    }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// POSTs `json` to `path` and returns the answer's JSON object; anything but `expecting` fails.
    @discardableResult
    public func post(_ path: String, _ json: [String: Any], expecting: Int = 201) async throws -> [String: Any] {
        var request = HTTPClientRequest(url: gateway + path)
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(data: try JSONSerialization.data(withJSONObject: json)))
        let response = try await client.execute(request, timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 1 << 20)
        guard Int(response.status.code) == expecting else {
            throw Failure(description: "POST \(path) answered \(response.status.code): \(String(buffer: body))")
        }
        return (try? JSONSerialization.jsonObject(with: Data(buffer: body))) as? [String: Any] ?? [:]
    }

    /// A new API key of the tenant with `capabilities`; its text.
    public func createKey(name: String, capabilities: [String]) async throws -> String {
        let answer = try await post("/v1/api-keys", ["name": name, "capabilities": capabilities])
        guard let key = answer["key"] as? String else { throw Failure(description: "no key in the answer") }
        return key
    }
}
