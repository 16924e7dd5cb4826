import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOCore
import PalisadeAuth

/// Posts batched runtime events through the gateway and reports acknowledged events per second
/// and request latency percentiles. Build in release mode; run against `scripts/up`.
@main
struct EventsThroughput: AsyncParsableCommand {
    @Option(help: "Gateway base URL.")
    var url = "http://127.0.0.1:8080"

    @Option(help: "Tenant id the events belong to.")
    var tenant: String

    @Option(help: "Signing key file (as written by palisade keys generate).")
    var signingKeyFile = ".palisade/keys/signing.key"

    @Option(help: "Events per request.")
    var batch = 500

    @Option(help: "Requests in flight.")
    var concurrency = 8

    @Option(help: "Seconds to run.")
    var seconds = 15

    func run() async throws {
        guard let tenantID = UUID(uuidString: tenant) else { throw ValidationError("--tenant must be a UUID") }
        let key = try PlatformSigningKey(encoded: String(contentsOfFile: signingKeyFile, encoding: .utf8))
        let claims = PlatformClaims(subject: "bench", tenantID: tenantID, roles: [], capabilities: ["events:write"])
        let token = try await PlatformTokenIssuer(signingKey: key).mint(claims)
        let run = UUID().uuidString.prefix(8)
        let deadline = ContinuousClock.now + .seconds(seconds)
        let started = ContinuousClock.now
        let results = try await withThrowingTaskGroup(of: ([Duration], Int, Int).self) { group in
            for worker in 0..<concurrency {
                group.addTask {
                    var latencies: [Duration] = []
                    var acknowledged = 0
                    var failed = 0
                    var sequence = 0
                    while ContinuousClock.now < deadline {
                        let body = Self.body(prefix: "\(run)-\(worker)-\(sequence)", count: batch)
                        sequence += 1
                        var request = HTTPClientRequest(url: url + "/v1/events")
                        request.method = .POST
                        request.headers.add(name: "Authorization", value: "Bearer \(token)")
                        request.headers.add(name: "Content-Type", value: "application/x-ndjson")
                        request.body = .bytes(ByteBuffer(bytes: body))
                        let sent = ContinuousClock.now
                        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
                        _ = try await response.body.collect(upTo: 1 << 22)
                        latencies.append(ContinuousClock.now - sent)
                        if response.status.code == 202 { acknowledged += batch } else { failed += 1 }
                    }
                    return (latencies, acknowledged, failed)
                }
            }
            var all: ([Duration], Int, Int) = ([], 0, 0)
            for try await result in group {
                all.0 += result.0
                all.1 += result.1
                all.2 += result.2
            }
            return all
        }
        let elapsed = ContinuousClock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let sorted = results.0.sorted()
        func percentile(_ p: Double) -> String {
            guard !sorted.isEmpty else { return "n/a" }
            let value = sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
            return String(format: "%.1f ms", Double(value.components.attoseconds) / 1e15 + Double(value.components.seconds) * 1000)
        }
        print("requests: \(sorted.count) (batch \(batch), concurrency \(concurrency)), failed: \(results.2)")
        print(String(format: "acknowledged events/s: %.0f", Double(results.1) / seconds))
        print("request latency p50: \(percentile(0.5)), p99: \(percentile(0.99))")
    }

    static func body(prefix: String, count: Int) -> Data {
        var text = ""
        text.reserveCapacity(count * 260)
        for index in 0..<count {
            text += #"{"event_id":"\#(prefix)-\#(index)","route_id":"bench-route","type":"runtime.request.completed","timestamp":"2024-03-15T14:30:00Z","payload":{"latency_ms":1250,"tokens":{"input":512,"output":256},"cost":0.0214,"model":"claude-3-opus","provider":"anthropic"}}"#
            text += "\n"
        }
        return Data(text.utf8)
    }
}
