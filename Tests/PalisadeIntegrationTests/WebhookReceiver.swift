import Foundation

/// Tests/Support/webhook_receiver.py: a customer's webhook endpoint that checks every
/// signature with the `standardwebhooks` package and logs what it received.
final class WebhookReceiver: Sendable {
    struct Received {
        var id: String
        var verified: Bool
        var answered: Int
        var body: [String: Any]
    }

    let secret: String
    private let server: StandInServer

    init(environment: TestEnvironment, failFirst: Int = 0, alwaysFail: Bool = false) async throws {
        var key = [UInt8](repeating: 0, count: 32)
        for index in key.indices { key[index] = UInt8.random(in: 0...255) }
        let secret = "whsec_" + Data(key).base64EncodedString()
        self.secret = secret
        server = try await StandInServer(
            script: "webhook_receiver.py",
            arguments: ["--secret", secret, "--fail-first", "\(failFirst)"] + (alwaysFail ? ["--always-fail"] : []),
            environment: environment
        )
    }

    var url: String { "http://127.0.0.1:\(server.port)/hooks/palisade" }

    /// Every request received so far, in order.
    func received() throws -> [Received] {
        try server.lines().map { line in
            Received(id: line["id"] as? String ?? "", verified: line["verified"] as? Bool ?? false,
                     answered: line["answered"] as? Int ?? 0, body: line["body"] as? [String: Any] ?? [:])
        }
    }

    func stop() { server.stop() }
}
