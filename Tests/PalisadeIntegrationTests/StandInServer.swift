import Foundation

/// A stand-in for a third party we cannot run here (a webhook receiver, Splunk HEC): a Python
/// script from Tests/Support served on 127.0.0.1, writing what it received as JSON lines.
final class StandInServer: @unchecked Sendable {
    // @unchecked Sendable: `process` is started in init and only terminated afterwards.
    let port: Int
    private let process: Process
    private let logPath: String

    init(script: String, arguments: [String], environment: TestEnvironment) async throws {
        let name = "\(script.prefix(while: { $0 != "." }))-\(UUID().uuidString.prefix(8))"
        let folder = "\(environment["PALISADE_TEST_STATE"])/stand-ins"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        logPath = "\(folder)/\(name).jsonl"
        let portFile = "\(folder)/\(name).port"
        let errors = "\(folder)/\(name).log"
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errors, contents: nil)
        process = Process()
        process.executableURL = URL(fileURLWithPath: environment["PALISADE_TEST_PYTHON"])
        process.arguments = ["\(environment["PALISADE_TEST_SUPPORT"])/\(script)", "--log", logPath, "--port-file", portFile] + arguments
        // Not the test runner's pipes: a stand-in left behind must not hold them open.
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle(forWritingAtPath: errors) ?? FileHandle.nullDevice
        try process.run()
        var port = 0
        try await poll(timeout: .seconds(30), what: "\(script) listening") {
            port = (try? String(contentsOfFile: portFile, encoding: .utf8)).flatMap { Int($0) } ?? 0
            return port > 0
        }
        self.port = port
    }

    /// Every JSON line written so far, in order.
    func lines() throws -> [[String: Any]] {
        try String(contentsOfFile: logPath, encoding: .utf8).split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
    }

    func stop() {
        if process.isRunning { process.terminate() }
    }

    deinit { stop() }
}
