import AsyncHTTPClient
import Foundation
import NIOCore

/// One POST to a third party (a webhook receiver, a SIEM endpoint) and what came of it.
public struct DeliveryAttempt: Sendable {
    public let startedAt: Date
    public let duration: Duration
    /// Nil when no answer arrived (timeout, connection refused, TLS failure).
    public let statusCode: Int?
    public let error: String?

    public init(startedAt: Date, duration: Duration, statusCode: Int?, error: String?) {
        self.startedAt = startedAt
        self.duration = duration
        self.statusCode = statusCode
        self.error = error
    }

    public var succeeded: Bool { statusCode.map { (200...299).contains($0) } ?? false }

    /// Posts `body`; never throws, the outcome is the attempt. Redirects are not followed: a
    /// receiver that moved must be reconfigured, not chased.
    public static func post(
        _ url: String, headers: [(name: String, value: String)], body: [UInt8], timeout: Duration,
        client: HTTPClient = .shared
    ) async -> DeliveryAttempt {
        let startedAt = Date()
        let clock = ContinuousClock()
        let start = clock.now
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        for header in headers { request.headers.add(name: header.name, value: header.value) }
        request.body = .bytes(ByteBuffer(bytes: body))
        do {
            let response = try await client.execute(request, timeout: .milliseconds(timeout.wholeMilliseconds))
            // Drain (and bound) the answer so the connection can be reused.
            _ = try? await response.body.collect(upTo: 64 * 1024)
            let status = Int(response.status.code)
            return DeliveryAttempt(startedAt: startedAt, duration: clock.now - start, statusCode: status,
                                   error: (200...299).contains(status) ? nil : "HTTP \(status)")
        } catch {
            return DeliveryAttempt(startedAt: startedAt, duration: clock.now - start, statusCode: nil, error: "\(error)")
        }
    }

    public var durationMilliseconds: Int { Int(duration.wholeMilliseconds) }
}

extension Duration {
    /// The duration in whole milliseconds, rounded down.
    public var wholeMilliseconds: Int64 {
        components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000
    }
}
