import ArgumentParser
import Foundation

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

        @OptionGroup var options: GatewayOptions

        func run() async throws {
            // The platform operator's own tenant: the nil UUID, never a customer's.
            let client = try await GatewayClient.operatorFor(
                tenant: "00000000-0000-0000-0000-000000000000", capabilities: "tenants:admin", gateway: options.gateway
            )
            let tenant = try await client.call(.POST, "/v1/tenants", body: ["name": name], expected: 201)
            guard let tenantID = tenant["tenant_id"] as? String else { throw ValidationError("no tenant_id in the answer") }
            print(tenantID)
        }
    }
}
