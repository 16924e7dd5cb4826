import Foundation
import PalisadeAuth
import Testing

/// schemathesis (PyPI) generates requests from the served OpenAPI document and runs them with a
/// valid tenant administrator key against the whole stack: no 5xx, and no response whose status,
/// content type, headers or body the document does not describe.
@Suite(.serialized) final class SchemathesisTests {
    @Test func generatedRequestsFindNoServerErrorAndNoUndocumentedResponse() async throws {
        let environment = try TestEnvironment.load()
        // Generated destinations point anywhere (https://0.com): one short attempt each, so the
        // stack's consumers are not busy retrying them for minutes after the run.
        let stack = try await ServiceStack(["ingest", "policy", "watcher", "incidents", "alerts", "siem"], environment: environment,
                                           extra: ServiceStack.shortDeliveryBudget)
        let admin = APIClient(base: stack.gatewayURL, credential: try await environment.token(tenant: UUID()))
        let (_, key) = try await admin.createKey(name: "schemathesis")

        let python = URL(fileURLWithPath: environment["PALISADE_TEST_PYTHON"])
        let process = Process()
        process.executableURL = python.deletingLastPathComponent().appendingPathComponent("schemathesis")
        process.arguments = [
            "run", stack.gatewayURL + "/openapi.json",
            "--header", "Authorization: Bearer \(key)",
            "--checks", "not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance",
            "--max-examples", "20", "--request-timeout", "10", "--seed", "20261122", "--no-color",
        ]
        var environmentVariables = ProcessInfo.processInfo.environment
        environmentVariables["SCHEMATHESIS_TELEMETRY"] = "false"
        process.environment = environmentVariables
        // schemathesis keeps a cache in its working directory: the state folder, not the checkout.
        process.currentDirectoryURL = URL(fileURLWithPath: environment["PALISADE_TEST_STATE"])
        let output = "\(environment["PALISADE_TEST_STATE"])/logs/schemathesis-\(UUID().uuidString.prefix(8)).log"
        // Opening for writing below fails with a clear error if this did not create the file.
        _ = FileManager.default.createFile(atPath: output, contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: output))
        process.standardOutput = log
        process.standardError = log
        try process.run()
        try await poll(timeout: .seconds(900), what: "schemathesis to finish") { !process.isRunning }
        let report = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
        #expect(process.terminationStatus == 0, "schemathesis failed (full log in \(output)):\n\(report.suffix(4000))")
        #expect(report.contains("passed"), "\(report.suffix(2000))")

        try await admin.removeDeliveryTargets()
        try await stack.stop()
    }
}
