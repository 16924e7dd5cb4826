import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOCore

/// `palisade tenant create --name demo`: registers a tenant through the gateway.
struct TenantCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tenant",
        abstract: "Tenants.",
        subcommands: [Create.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a tenant; prints its id.")

        @Option(help: "Display name.")
        var name: String

        @Option(help: "Gateway base URL.")
        var gateway: String = "http://127.0.0.1:8080"

        func run() async throws {
            // The platform operator's own tenant: the nil UUID, never a customer's.
            let token = try await TokenCommand.mint(
                tenant: "00000000-0000-0000-0000-000000000000", subject: "cli:operator",
                roles: "platform-admin", capabilities: "tenants:admin", ttl: 60
            )
            var request = HTTPClientRequest(url: gateway + "/v1/tenants")
            request.method = .POST
            request.headers.add(name: "Authorization", value: "Bearer \(token)")
            request.headers.add(name: "Content-Type", value: "application/json")
            let body = try JSONSerialization.data(withJSONObject: ["name": name])
            request.body = .bytes(ByteBuffer(bytes: body))
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
            let text = String(buffer: try await response.body.collect(upTo: 1 << 20))
            guard response.status == .created,
                  let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
                  let tenantID = object["tenant_id"] as? String else {
                throw ValidationError("gateway answered \(response.status.code): \(text)")
            }
            print(tenantID)
        }
    }
}
