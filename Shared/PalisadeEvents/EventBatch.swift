import Foundation

/// How a batch arrives: one JSON array (or a single object), or one event per line.
public enum EventBatchFormat: Sendable {
    case json
    case ndjson

    /// nil for media types ingest does not take (415).
    public init?(contentType: String?) {
        guard let contentType else { return nil }
        let media = contentType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        switch media {
        case "application/json": self = .json
        case "application/x-ndjson", "application/ndjson", "application/jsonl": self = .ndjson
        default: return nil
        }
    }
}

/// Why a batch was refused as a whole. Nothing of a refused batch is produced.
public enum EventBatchError: Error, Equatable, Sendable {
    /// Not parseable JSON (400); `index` is the line of an NDJSON body.
    case malformed(index: Int?, reason: String)
    /// More events than `EventBatch.maximumCount` (413).
    case tooMany(count: Int)
    /// Parsed, but fields are wrong (422).
    case invalid([FieldViolation])
}

/// Parses and validates a whole batch: either every event is valid or none is taken.
public enum EventBatch {
    public static let maximumCount = 1000

    public static func parse(_ body: Data, format: EventBatchFormat, origin: EventOrigin) -> Result<[ValidatedEvent], EventBatchError> {
        let documents: [JSONValue]
        switch split(body, format: format) {
        case .success(let parsed): documents = parsed
        case .failure(let error): return .failure(error)
        }
        guard !documents.isEmpty else {
            return .failure(.invalid([FieldViolation(index: nil, field: "", reason: "the batch holds no events")]))
        }
        guard documents.count <= maximumCount else { return .failure(.tooMany(count: documents.count)) }
        let validator = EventValidator()
        var events: [ValidatedEvent] = []
        events.reserveCapacity(documents.count)
        var violations: [FieldViolation] = []
        for (index, document) in documents.enumerated() {
            switch validator.validate(document, index: index, origin: origin) {
            case .valid(let event): events.append(event)
            case .invalid(let found): violations += found
            }
        }
        return violations.isEmpty ? .success(events) : .failure(.invalid(violations))
    }

    private static func split(_ body: Data, format: EventBatchFormat) -> Result<[JSONValue], EventBatchError> {
        switch format {
        case .json:
            guard let document = try? JSONReader.parse(body) else {
                return .failure(.malformed(index: nil, reason: "the body is not valid JSON"))
            }
            if case .array(let items) = document { return .success(items) }
            return .success([document])
        case .ndjson:
            var documents: [JSONValue] = []
            let newline = UInt8(ascii: "\n")
            for (line, bytes) in body.split(separator: newline, omittingEmptySubsequences: false).enumerated() {
                let isBlank = bytes.allSatisfy { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\r") || $0 == UInt8(ascii: "\t") }
                if isBlank { continue }
                guard let document = try? JSONReader.parse(bytes) else {
                    return .failure(.malformed(index: line, reason: "line \(line) is not valid JSON"))
                }
                documents.append(document)
                if documents.count > maximumCount { return .failure(.tooMany(count: documents.count)) }
            }
            return .success(documents)
        }
    }
}
