import ArgumentParser
import Foundation
import PalisadeAuth
import PalisadeService

/// `palisade token --tenant <id>`: a platform token for local use.
struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Mint a platform token (uses PALISADE_PLATFORM_SIGNING_KEY or _FILE)."
    )

    @Option(help: "Tenant id (UUID).")
    var tenant: String

    @Option(help: "Subject the token acts as.")
    var subject: String = "user:local-admin"

    @Option(help: "Comma-separated roles.")
    var roles: String = "admin"

    @Option(help: "Comma-separated capabilities (default: a tenant administrator's).")
    var capabilities: String = Capability.tenantAdministration.joined(separator: ",")

    @Option(help: "Lifetime in seconds (at most 900).")
    var ttl: Int = 900

    func validate() throws {
        guard UUID(uuidString: tenant) != nil else { throw ValidationError("--tenant must be a UUID") }
        guard (1...900).contains(ttl) else { throw ValidationError("--ttl must be 1 to 900 seconds") }
    }

    func run() async throws {
        print(try await Self.mint(tenant: tenant, subject: subject, roles: roles, capabilities: capabilities, ttl: ttl))
    }

    static func mint(tenant: String, subject: String, roles: String, capabilities: String, ttl: Int) async throws -> String {
        let settings = ServiceSettings(descriptor: ServiceCatalog.gateway)
        let issuer = await PlatformTokenIssuer(signingKey: try settings.signingKey())
        let claims = PlatformClaims(
            subject: subject,
            tenantID: UUID(uuidString: tenant) ?? UUID(),
            roles: roles.split(separator: ",").map(String.init),
            capabilities: capabilities.split(separator: ",").map(String.init),
            lifetime: TimeInterval(ttl)
        )
        return try await issuer.mint(claims)
    }
}
