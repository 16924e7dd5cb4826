import CRdKafka

/// Failures of the Kafka layer; `description` never contains message payloads.
public enum KafkaError: Error, CustomStringConvertible, Sendable {
    case configuration(property: String, reason: String)
    case clientCreation(reason: String)
    case produce(topic: String, reason: String)
    case delivery(topic: String, reason: String)
    case subscription(reason: String)
    case consume(reason: String)
    case unreachable(reason: String)
    case closed

    public var description: String {
        switch self {
        case .configuration(let property, let reason): "kafka configuration '\(property)': \(reason)"
        case .clientCreation(let reason): "kafka client creation failed: \(reason)"
        case .produce(let topic, let reason): "kafka produce to \(topic) failed: \(reason)"
        case .delivery(let topic, let reason): "kafka delivery to \(topic) failed: \(reason)"
        case .subscription(let reason): "kafka subscription failed: \(reason)"
        case .consume(let reason): "kafka consume failed: \(reason)"
        case .unreachable(let reason): "kafka unreachable: \(reason)"
        case .closed: "kafka client is closed"
        }
    }

    static func text(_ code: rd_kafka_resp_err_t) -> String {
        String(cString: rd_kafka_err2str(code))
    }
}

/// librdkafka reports errors into a caller-supplied C buffer.
struct ErrorBuffer {
    var bytes = [CChar](repeating: 0, count: 512)
    var text: String {
        bytes.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }
}
