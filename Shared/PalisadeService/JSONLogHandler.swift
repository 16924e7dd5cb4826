import Foundation
import Logging
import Synchronization

/// One JSON object per line on stdout: time, level, service, message and metadata
/// (request_id and tenant_id among them). Secrets never go into metadata.
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level
    let label: String
    let service: String

    private static let output = Mutex<Void>(())

    public init(label: String, service: String, level: Logger.Level) {
        self.label = label
        self.service = service
        self.logLevel = level
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let level = event.level
        let message = event.message
        let explicit = event.metadata
        var object: [String: Any] = [
            "ts": RFC3339Milliseconds.format(Date()),
            "level": level.rawValue,
            "service": service,
            "logger": label,
            "msg": message.description,
        ]
        let merged = explicit.map { metadata.merging($0) { _, new in new } } ?? metadata
        for (key, value) in merged where object[key] == nil {
            object[key] = Self.plain(value)
        }
        guard var line = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]) else { return }
        line.append(UInt8(ascii: "\n"))
        Self.output.withLock { _ in
            FileHandle.standardOutput.write(line)
        }
    }

    static func plain(_ value: Logger.Metadata.Value) -> Any {
        switch value {
        case .string(let text): text
        case .stringConvertible(let value): value.description
        case .array(let values): values.map(plain)
        case .dictionary(let values): values.mapValues(plain)
        }
    }
}

enum RFC3339Milliseconds {
    static func format(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}
