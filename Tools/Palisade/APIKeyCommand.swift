import ArgumentParser
import Foundation
import PalisadeAuth

/// `palisade api-key create|list|revoke --tenant <id>`: a tenant's API keys, through the gateway.
struct APIKeyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "api-key",
        abstract: "API keys of a tenant (as the platform operator).",
        subcommands: [Create.self, List.self, Revoke.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a key; prints it (shown only this once).")

        @Option(help: "Tenant id (UUID).") var tenant: String
        @Option(help: "What the key is for.") var name: String
        @Option(help: "Comma-separated capabilities (default: a tenant administrator's).")
        var capabilities: String = Capability.tenantAdministration.joined(separator: ",")
        @Option(help: "Expiry, RFC 3339 (default: none).") var expiresAt: String?
        @OptionGroup var options: GatewayOptions

        func run() async throws {
            let client = try await GatewayClient.operatorFor(tenant: tenant, capabilities: capabilities, gateway: options.gateway)
            var body: [String: Any] = ["name": name, "capabilities": capabilities.split(separator: ",").map(String.init)]
            if let expiresAt { body["expires_at"] = expiresAt }
            let key = try await client.call(.POST, "/v1/api-keys", body: body, expected: 201)
            guard let text = key["key"] as? String else { throw ValidationError("no key in the answer") }
            print(text)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List keys as JSON (never their secrets).")

        @Option(help: "Tenant id (UUID).") var tenant: String
        @OptionGroup var options: GatewayOptions

        func run() async throws {
            let client = try await GatewayClient.operatorFor(tenant: tenant, capabilities: Capability.keysAdmin, gateway: options.gateway)
            printJSON(try await client.call(.GET, "/v1/api-keys", expected: 200))
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a key by its id.")

        @Option(help: "Tenant id (UUID).") var tenant: String
        @Argument(help: "The key id (the part after pal_).") var keyID: String
        @OptionGroup var options: GatewayOptions

        func run() async throws {
            let client = try await GatewayClient.operatorFor(tenant: tenant, capabilities: Capability.keysAdmin, gateway: options.gateway)
            _ = try await client.call(.DELETE, "/v1/api-keys/\(keyID)", expected: 204)
            print("revoked \(keyID)")
        }
    }
}
