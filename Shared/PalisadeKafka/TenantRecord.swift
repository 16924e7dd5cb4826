/// The request id and W3C traceparent a record carries, so one trace threads HTTP → Kafka →
/// the next service's records.
public struct RecordTrace: Sendable, Equatable {
    public var requestID: String
    public var traceparent: String?

    public init(requestID: String, traceparent: String? = nil) {
        self.requestID = requestID
        self.traceparent = traceparent
    }

    /// The trace of a consumed record, to pass on to what its handler produces.
    public init(of message: KafkaMessage) {
        self.init(requestID: message.headers.text(KafkaHeaderName.requestID) ?? "",
                  traceparent: message.headers.text(KafkaHeaderName.traceparent))
    }
}

extension KafkaRecord {
    /// A protobuf record for `topic`, keyed by tenant (one tenant's records keep their order)
    /// and carrying Palisade's headers.
    public init(topic: Topic, tenantID: String, protobuf value: [UInt8], trace: RecordTrace) {
        var headers = [
            KafkaHeader(name: KafkaHeaderName.tenantID, text: tenantID),
            KafkaHeader(name: KafkaHeaderName.contentType, text: "application/x-protobuf"),
        ]
        if !trace.requestID.isEmpty { headers.append(KafkaHeader(name: KafkaHeaderName.requestID, text: trace.requestID)) }
        if let traceparent = trace.traceparent { headers.append(KafkaHeader(name: KafkaHeaderName.traceparent, text: traceparent)) }
        self.init(topic: topic.name, key: Array(tenantID.utf8), value: value, headers: headers)
    }
}
