import Foundation

/// One server-sent event as it came, and its fields.
struct ServerSentEvent: Sendable {
    /// The event's lines without the blank line that ended it; re-sent as is when unchanged.
    var raw: String
    var name: String?
    var data: String

    /// The event with `data` replaced, other fields kept.
    func replacingData(_ newData: String) -> ServerSentEvent {
        var lines = raw.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.hasPrefix("data:") }.map(String.init)
        lines += newData.split(separator: "\n", omittingEmptySubsequences: false).map { "data: \($0)" }
        return ServerSentEvent(raw: lines.joined(separator: "\n"), name: name, data: newData)
    }

    var encoded: String { raw + "\n\n" }
}

/// Splits a byte stream into server-sent events (WHATWG `text/event-stream`) however the
/// bytes were chunked; an event is complete at its blank line.
struct ServerSentEventParser {
    private var buffer: [UInt8] = []
    /// Where the search for the next blank line resumes: the buffer's last byte, which may
    /// pair with the first one to come. A large event arriving in many chunks is then read
    /// once, not again with each chunk.
    private var searchFrom = 0

    /// Events completed by `bytes`, in order.
    mutating func feed(_ bytes: some Sequence<UInt8>) -> [ServerSentEvent] {
        for byte in bytes where byte != 0x0D { buffer.append(byte) }
        var events: [ServerSentEvent] = []
        var start = 0
        var index = searchFrom
        while index + 1 < buffer.count {
            if buffer[index] == 0x0A && buffer[index + 1] == 0x0A {
                if index > start, let event = Self.parse(String(decoding: buffer[start..<index], as: UTF8.self)) { events.append(event) }
                start = index + 2
                index += 2
            } else {
                index += 1
            }
        }
        buffer.removeFirst(start)
        searchFrom = max(0, buffer.count - 1)
        return events
    }

    /// What is left when the stream ends (a last event without its blank line).
    mutating func finish() -> [ServerSentEvent] {
        defer {
            buffer.removeAll()
            searchFrom = 0
        }
        let text = String(decoding: buffer, as: UTF8.self).trimmingCharacters(in: .newlines)
        return text.isEmpty ? [] : Self.parse(text).map { [$0] } ?? []
    }

    private static func parse(_ raw: String) -> ServerSentEvent? {
        var name: String?
        var data: [String] = []
        for line in raw.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix(":") { continue }
            let (field, value) = Self.field(line)
            switch field {
            case "event": name = value
            case "data": data.append(value)
            default: break
            }
        }
        return ServerSentEvent(raw: raw, name: name, data: data.joined(separator: "\n"))
    }

    private static func field(_ line: Substring) -> (String, String) {
        guard let colon = line.firstIndex(of: ":") else { return (String(line), "") }
        var value = line[line.index(after: colon)...]
        if value.first == " " { value = value.dropFirst() }
        return (String(line[..<colon]), String(value))
    }
}
