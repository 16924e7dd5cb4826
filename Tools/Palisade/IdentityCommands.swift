import ArgumentParser
import Foundation
import PalisadeAuth

/// `palisade user …` and `palisade role …`: a tenant's users and roles, through the gateway, as
/// the platform operator.
struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user", abstract: "Users of a tenant.", subcommands: [Create.self, List.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a user; prints it as JSON.")
        @Option(help: "Tenant id (UUID).") var tenant: String
        @Option(help: "The OIDC subject (or e-mail) the user signs in as.") var subject: String
        @Option(help: "Display name.") var name: String = ""
        @Option(help: "Comma-separated roles.") var roles: String = ""
        @OptionGroup var options: GatewayOptions

        func run() async throws {
            let client = try await GatewayClient.operatorFor(tenant: tenant, capabilities: Capability.tenantAdministration.joined(separator: ","),
                                                             gateway: options.gateway)
            let body: [String: Any] = ["subject": subject, "display_name": name, "roles": roles.split(separator: ",").map(String.init)]
            printJSON(try await client.call(.POST, "/v1/users", body: body, expected: 201))
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List users as JSON.")
        @Option(help: "Tenant id (UUID).") var tenant: String
        @OptionGroup var options: GatewayOptions

        func run() async throws {
            let client = try await GatewayClient.operatorFor(tenant: tenant, capabilities: Capability.identityAdmin, gateway: options.gateway)
            printJSON(try await client.call(.GET, "/v1/users", expected: 200))
        }
    }
}

struct RoleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "role", abstract: "Roles of a tenant.", subcommands: [Create.self, List.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a role; prints it as JSON.")
        @Option(help: "Tenant id (UUID).") var tenant: String
        @Option(help: "Role name (a-z, 0-9, _ and -).") var name: String
        @Option(help: "Comma-separated capabilities.") var capabilities: String
        @Option(help: "What the role is for.") var description: String = ""
        @OptionGroup var options: GatewayOptions

        func run() async throws {
            let client = try await GatewayClient.operatorFor(tenant: tenant, capabilities: Capability.tenantAdministration.joined(separator: ","),
                                                             gateway: options.gateway)
            let body: [String: Any] = ["name": name, "description": description,
                                       "capabilities": capabilities.split(separator: ",").map(String.init)]
            printJSON(try await client.call(.POST, "/v1/roles", body: body, expected: 201))
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List built-in and custom roles as JSON.")
        @Option(help: "Tenant id (UUID).") var tenant: String
        @OptionGroup var options: GatewayOptions

        func run() async throws {
            let client = try await GatewayClient.operatorFor(tenant: tenant, capabilities: Capability.identityAdmin, gateway: options.gateway)
            printJSON(try await client.call(.GET, "/v1/roles", expected: 200))
        }
    }
}

func printJSON(_ object: [String: Any]) {
    let data = (try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])) ?? Data()
    print(String(decoding: data, as: UTF8.self))
}
