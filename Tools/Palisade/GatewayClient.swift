import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// The CLI's calls to the gateway, as an operator acting for one tenant: it mints a
/// one-minute platform token with the platform signing key, so it needs no stored credential.
struct GatewayClient {
    let base: String
    let token: String

    static func operatorFor(tenant: String, capabilities: String, gateway: String) async throws -> GatewayClient {
        let token = try await TokenCommand.mint(tenant: tenant, subject: "cli:operator", roles: "admin",
                                                capabilities: capabilities, ttl: 60)
        return GatewayClient(base: gateway, token: token)
    }

    /// Sends `body` as JSON and returns the answer's JSON object; any status but `expected` is an error.
    func call(_ method: HTTPMethod, _ path: String, body: [String: Any]? = nil, expected: Int) async throws -> [String: Any] {
        try await call(method, path, json: try body.map { try JSONSerialization.data(withJSONObject: $0) }, expected: [expected])
    }

    /// Sends `json` as the body; any status not in `expected` is an error.
    func call(_ method: HTTPMethod, _ path: String, json: Data?, expected: Set<Int>) async throws -> [String: Any] {
        var request = HTTPClientRequest(url: base + path)
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        if let json {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: json))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let text = String(buffer: try await response.body.collect(upTo: 1 << 22))
        guard expected.contains(Int(response.status.code)) else {
            throw ValidationError("gateway answered \(response.status.code): \(text)")
        }
        if text.isEmpty { return [:] }
        return (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
    }
}

/// Options every command that talks to the gateway shares.
struct GatewayOptions: ParsableArguments {
    @Option(help: "Gateway base URL.")
    var gateway: String = "http://127.0.0.1:8080"
}
