import ArgumentParser
import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import PalisadeAuth
import Synchronization

/// Time from "event acknowledged" (the gateway's 202) to "webhook received", over many
/// incidents: each event breaks a rule on a route of its own, so each opens an incident and
/// sends one alert to a receiver this program hosts. Build in release mode; run against
/// `scripts/up` (the benchmark adds a rule and a channel to the tenant and removes them after).
@main
struct IncidentLatency: AsyncParsableCommand {
    @Option(help: "Gateway base URL.")
    var url = "http://127.0.0.1:8080"

    @Option(help: "Tenant id.")
    var tenant: String

    @Option(help: "Signing key file (as written by palisade keys generate).")
    var signingKeyFile = ".palisade/keys/signing.key"

    @Option(help: "Incidents to open.")
    var incidents = 200

    @Option(help: "Events posted per second.")
    var rate = 20

    @Option(help: "Port of the webhook receiver this program hosts.")
    var receiverPort = 18999

    func run() async throws {
        guard let tenantID = UUID(uuidString: tenant) else { throw ValidationError("--tenant must be a UUID") }
        let key = try PlatformSigningKey(encoded: String(contentsOfFile: signingKeyFile, encoding: .utf8))
        let claims = PlatformClaims(subject: "bench", tenantID: tenantID, roles: [], capabilities: Capability.tenantAdministration)
        let token = try await PlatformTokenIssuer(signingKey: key).mint(claims)
        let arrivals = Arrivals()
        let router = Router()
        router.post("/hook") { request, _ -> HTTPResponse.Status in
            let body = try await request.body.collect(upTo: 1 << 20)
            let received = ContinuousClock.now
            if let object = try? JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any],
               let route = (object["context"] as? [String: Any])?["route_id"] as? String {
                arrivals.record(route, at: received)
            }
            return .noContent
        }
        // The receiver only counts arrivals; its own shutdown chatter would bury the figures.
        var quiet = Logger(label: "bench.receiver")
        quiet.logLevel = .critical
        let receiver = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: receiverPort)), logger: quiet)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await receiver.runService() }
            defer { group.cancelAll() }
            try await measure(token: token, arrivals: arrivals)
        }
    }

    func measure(token: String, arrivals: Arrivals) async throws {
        let run = UUID().uuidString.prefix(8).lowercased()
        let rule = try await send(.POST, "/v1/policy-rules", token: token, json: [
            "name": "bench-\(run)", "field": "route_id", "operator": "ne", "value": "", "severity": "high",
        ])
        let channel = try await send(.POST, "/v1/alert-channels", token: token, json: [
            "name": "bench-\(run)", "url": "http://127.0.0.1:\(receiverPort)/hook", "min_severity": "high",
        ])
        guard let ruleID = rule["rule_id"] as? String, let channelID = channel["channel_id"] as? String else {
            throw ValidationError("could not create the rule and channel: \(rule) \(channel)")
        }
        var acknowledged: [String: ContinuousClock.Instant] = [:]
        let interval = Duration.seconds(1) / rate
        var next = ContinuousClock.now
        for index in 0..<incidents {
            let route = "bench-\(run)-\(index)"
            let event = #"{"event_id":"\#(route)","route_id":"\#(route)","type":"runtime.request.completed","timestamp":"2024-03-15T14:30:00Z","payload":{"latency_ms":1250,"tokens":{"input":512,"output":256},"cost":0.0214,"model":"claude-3-opus","provider":"anthropic"}}"#
            var request = HTTPClientRequest(url: url + "/v1/events")
            request.method = .POST
            request.headers.add(name: "Authorization", value: "Bearer \(token)")
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: event))
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
            _ = try await response.body.collect(upTo: 1 << 16)
            if response.status.code == 202 { acknowledged[route] = ContinuousClock.now }
            next = next + interval
            // Pacing the load generator at --rate events per second.
            try await Task.sleep(until: next)
        }
        let deadline = ContinuousClock.now + .seconds(120)
        while arrivals.count(of: Set(acknowledged.keys)) < acknowledged.count && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
        }
        let latencies = acknowledged.compactMap { route, acked in arrivals.first(route).map { $0 - acked } }.sorted()
        _ = try? await send(.DELETE, "/v1/policy-rules/\(ruleID)", token: token, json: nil)
        _ = try? await send(.DELETE, "/v1/alert-channels/\(channelID)", token: token, json: nil)

        func milliseconds(_ value: Duration) -> String {
            String(format: "%.0f ms", Double(value.components.seconds) * 1000 + Double(value.components.attoseconds) / 1e15)
        }
        func percentile(_ p: Double) -> String {
            latencies.isEmpty ? "n/a" : milliseconds(latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))])
        }
        print("incidents: \(acknowledged.count) acknowledged at \(rate)/s, alerts received: \(latencies.count)")
        print("event acknowledged → webhook received: p50 \(percentile(0.5)), p99 \(percentile(0.99)), max \(latencies.last.map(milliseconds) ?? "n/a")")
    }

    func send(_ method: NIOHTTP1.HTTPMethod, _ path: String, token: String, json: [String: Any]?) async throws -> [String: Any] {
        var request = HTTPClientRequest(url: url + path)
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        if let json {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: json)))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 1 << 20)
        return (try? JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any]) ?? [:]
    }
}

/// When each route's first alert arrived.
final class Arrivals: Sendable {
    private let firsts = Mutex<[String: ContinuousClock.Instant]>([:])

    func record(_ route: String, at instant: ContinuousClock.Instant) {
        firsts.withLock { if $0[route] == nil { $0[route] = instant } }
    }

    func first(_ route: String) -> ContinuousClock.Instant? { firsts.withLock { $0[route] } }

    func count(of routes: Set<String>) -> Int { firsts.withLock { $0.keys.filter(routes.contains).count } }
}
