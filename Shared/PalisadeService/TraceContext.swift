import Foundation
import PalisadeAuth

/// W3C Trace Context (`traceparent: 00-<trace id>-<parent span id>-<flags>`). Each hop keeps
/// the caller's trace id and flags and names a span of its own, which it passes on.
public struct TraceContext: Sendable, Equatable {
    public let traceID: String
    public let spanID: String
    public let flags: String

    /// A span of this hop: inside the caller's trace when `incoming` is a valid header, else
    /// the first span of a new, sampled trace.
    public init(continuing incoming: String?) {
        let parsed = incoming.flatMap(Self.parse)
        traceID = parsed?.traceID ?? Self.randomHex(16)
        flags = parsed?.flags ?? "01"
        spanID = Self.randomHex(8)
    }

    /// The header to send downstream: this hop's span is the parent there.
    public var header: String { "00-\(traceID)-\(spanID)-\(flags)" }

    static func parse(_ header: String) -> (traceID: String, flags: String)? {
        let parts = header.trimmingCharacters(in: .whitespaces).split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count >= 4, parts[0].count == 2, parts[0] != "ff",
              parts[1].count == 32, parts[2].count == 16, parts[3].count == 2,
              parts.prefix(4).allSatisfy(isLowerHex),
              parts[1].contains(where: { $0 != "0" }), parts[2].contains(where: { $0 != "0" }) else { return nil }
        // Version 00 has exactly four fields; later versions may append more.
        if parts[0] == "00" && parts.count != 4 { return nil }
        return (String(parts[1]), String(parts[3]))
    }

    private static func isLowerHex(_ text: Substring) -> Bool {
        text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }

    /// Random, never all zeros (the spec's invalid id). Runs on every request, so no formatting.
    private static func randomHex(_ byteCount: Int) -> String {
        var bytes: [UInt8]
        repeat {
            bytes = SecureBytes.random(byteCount)
        } while bytes.allSatisfy { $0 == 0 }
        return Hex.encode(bytes)
    }
}
