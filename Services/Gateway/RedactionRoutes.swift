import Foundation
import Hummingbird
import PalisadeAuth
import PalisadeEvents
import PalisadeService

/// `POST /v1/redactions/reveal` (capability `redactions:reveal`): the value behind a token
/// the gateway put in a completion when it redacted reversibly. Every reveal is audited
/// before the value is returned.
struct RedactionRoutes: Sendable {
    let vault: RedactionVaultStore
    let audit: IdentityAudit

    struct RevealRequest: Decodable {
        var token: String
    }

    struct Revealed: Encodable {
        var token: String
        var detector: String
        var value: String
    }

    /// `tok_` and 20 lowercase hex digits.
    static func isToken(_ text: String) -> Bool {
        text.hasPrefix("tok_") && text.utf8.count == 24 && text.utf8.dropFirst(4).allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }

    func register(on router: Router<PalisadeRequestContext>, registry: RouteRegistry) {
        router.route(.post, "/v1/redactions/reveal", registry: registry) { request, context in
            let claims = try context.requireClaims(Capability.redactionsReveal)
            let asked = try await MessageBody.decodeJSON(request, as: RevealRequest.self)
            // Accept the bare token or the whole `[vault:<type>:tok_…]` text as it appeared.
            let token = asked.token.split(separator: ":").last.map { String($0.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))) } ?? ""
            guard Self.isToken(token),
                  let found = try await vault.reveal(token, scope: claims.scope, logger: context.logger) else {
                throw Problem.notFound("no vaulted value for this token in this tenant")
            }
            let entry = IdentityAudit.entry("redaction.revealed", claims, context, ["token": .string(token), "detector": .string(found.detector)])
            try await audit.database.withTenant(claims.scope, logger: context.logger) { connection in
                try await IdentityAudit.stage(entry, on: connection, logger: context.logger)
            }
            await audit.publish([entry], scope: claims.scope, trace: context.trace, logger: context.logger)
            return try MessageBody.json(Revealed(token: token, detector: found.detector, value: found.value))
        }
    }
}
