import Foundation

/// Tests/Support/webhook_receiver.py as a child process: a customer's webhook endpoint that
/// checks every signature with the `standardwebhooks` package and logs what it received.
final class WebhookReceiver: @unchecked Sendable {
    // @unchecked Sendable: `process` is started in init and only terminated afterwards.
    struct Received {
        var id: String
        var verified: Bool
        var answered: Int
        var body: [String: Any]
    }

    let secret: String
    let port: Int
    private let process: Process
    private let logPath: String

    init(environment: TestEnvironment, failFirst: Int = 0, alwaysFail: Bool = false) async throws {
        var key = [UInt8](repeating: 0, count: 32)
        for index in key.indices { key[index] = UInt8.random(in: 0...255) }
        secret = "whsec_" + Data(key).base64EncodedString()
        let name = UUID().uuidString.prefix(8)
        let folder = "\(environment["PALISADE_TEST_STATE"])/receivers"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        logPath = "\(folder)/\(name).jsonl"
        let portFile = "\(folder)/\(name).port"
        FileManager.default.createFile(atPath: logPath, contents: nil)
        process = Process()
        process.executableURL = URL(fileURLWithPath: environment["PALISADE_TEST_PYTHON"])
        var arguments = ["\(environment["PALISADE_TEST_SUPPORT"])/webhook_receiver.py",
                         "--secret", secret, "--log", logPath, "--port-file", portFile, "--fail-first", "\(failFirst)"]
        if alwaysFail { arguments.append("--always-fail") }
        process.arguments = arguments
        // Not the test runner's pipes: a receiver left behind must not hold them open.
        process.standardOutput = FileHandle.nullDevice
        FileManager.default.createFile(atPath: "\(folder)/\(name).log", contents: nil)
        process.standardError = FileHandle(forWritingAtPath: "\(folder)/\(name).log") ?? FileHandle.nullDevice
        try process.run()
        var port = 0
        try await poll(timeout: .seconds(30), what: "webhook receiver listening") {
            port = (try? String(contentsOfFile: portFile, encoding: .utf8)).flatMap { Int($0) } ?? 0
            return port > 0
        }
        self.port = port
    }

    var url: String { "http://127.0.0.1:\(port)/hooks/palisade" }

    /// Every request received so far, in order.
    func received() throws -> [Received] {
        let text = try String(contentsOfFile: logPath, encoding: .utf8)
        return text.split(separator: "\n").compactMap { line in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return nil }
            return Received(id: object["id"] as? String ?? "", verified: object["verified"] as? Bool ?? false,
                            answered: object["answered"] as? Int ?? 0, body: object["body"] as? [String: Any] ?? [:])
        }
    }

    func stop() {
        if process.isRunning { process.terminate() }
    }

    deinit { stop() }
}
