import Foundation

/// A header on a Kafka record; values are bytes, Palisade's are UTF-8 text.
public struct KafkaHeader: Sendable, Equatable {
    public var name: String
    public var value: [UInt8]

    public init(name: String, value: [UInt8]) {
        self.name = name
        self.value = value
    }

    public init(name: String, text: String) {
        self.init(name: name, value: Array(text.utf8))
    }
}

/// The header names Palisade threads through Kafka.
public enum KafkaHeaderName {
    public static let requestID = "request-id"
    public static let traceparent = "traceparent"
    public static let contentType = "content-type"
    public static let tenantID = "tenant-id"
    public static let error = "error"
}

extension [KafkaHeader] {
    /// The first header with `name`, decoded as UTF-8.
    public func text(_ name: String) -> String? {
        first(where: { $0.name == name }).map { String(decoding: $0.value, as: UTF8.self) }
    }
}

/// A record to produce.
public struct KafkaRecord: Sendable {
    public var topic: String
    public var key: [UInt8]
    public var value: [UInt8]
    public var headers: [KafkaHeader]

    public init(topic: String, key: [UInt8], value: [UInt8], headers: [KafkaHeader] = []) {
        self.topic = topic
        self.key = key
        self.value = value
        self.headers = headers
    }
}

extension KafkaRecord {
    /// `message` for its topic's dead-letter queue, with why (`error`), where it came from
    /// (`source-offset`) and any `context` headers (e.g. which destination refused it).
    public init(deadLetterOf message: KafkaMessage, reason: String, context: [KafkaHeader] = []) {
        self.init(
            topic: "\(message.topic).dlq", key: message.key, value: message.value,
            headers: message.headers + [
                KafkaHeader(name: KafkaHeaderName.error, text: String(reason.prefix(500))),
                KafkaHeader(name: "source-offset", text: "\(message.partition):\(message.offset)"),
            ] + context
        )
    }
}

/// Where the broker stored a record.
public struct DeliveryReport: Sendable, Equatable {
    public var topic: String
    public var partition: Int32
    public var offset: Int64
}

/// A consumed record.
public struct KafkaMessage: Sendable {
    public var topic: String
    public var partition: Int32
    public var offset: Int64
    public var key: [UInt8]
    public var value: [UInt8]
    public var headers: [KafkaHeader]
    /// The consumer's assignment when the record was polled (`KafkaConsumer.assignment`): a
    /// record polled before a rebalance may belong to a partition that has moved since.
    public var assignment: Int
    /// The partition's high watermark as the consumer had it when the record's batch was
    /// taken (from the fetch that brought the record, or a later one), nil when it had none:
    /// in one log it is always past every offset read, so an offset remembered at or past it
    /// came from another log (the topic recreated, the cluster replaced).
    public var highWatermark: Int64?

    public init(topic: String, partition: Int32, offset: Int64, key: [UInt8], value: [UInt8], headers: [KafkaHeader], assignment: Int = 0,
                highWatermark: Int64? = nil) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.key = key
        self.value = value
        self.headers = headers
        self.assignment = assignment
        self.highWatermark = highWatermark
    }

    public var keyText: String { String(decoding: key, as: UTF8.self) }

    /// The tenant the record belongs to (its key); a key that is not a tenant id is poison.
    public func tenantID() throws -> UUID {
        guard let tenantID = UUID(uuidString: keyText) else {
            throw PoisonRecord("record key '\(keyText.prefix(64))' is not a tenant id")
        }
        return tenantID
    }
}
