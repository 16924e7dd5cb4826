import CRdKafka

/// librdkafka's mock cluster: a real Kafka-protocol broker, in memory, on 127.0.0.1.
/// For local runs and tests only; production points `PALISADE_KAFKA_BROKERS` at Kafka.
public final class DevBroker: @unchecked Sendable {
    // @unchecked Sendable: both pointers are created in init and destroyed once in deinit;
    // the mock cluster runs on librdkafka's own threads and is not touched in between.
    private let client: OpaquePointer
    private let cluster: OpaquePointer
    /// `host:port` list clients bootstrap from.
    public let bootstrapServers: String

    public init(brokerCount: Int32 = 1, topics: [TopicSpec] = TopicSpec.catalog) throws {
        let conf = try NativeConfiguration.make(["client.id": "palisade-dev-broker"])
        client = try NativeConfiguration.client(type: RD_KAFKA_PRODUCER, conf: conf)
        guard let cluster = rd_kafka_mock_cluster_new(client, brokerCount) else {
            rd_kafka_destroy(client)
            throw KafkaError.clientCreation(reason: "mock cluster could not start")
        }
        self.cluster = cluster
        for topic in topics {
            let code = rd_kafka_mock_topic_create(cluster, topic.name, topic.partitions, min(brokerCount, 3))
            guard code == RD_KAFKA_RESP_ERR_NO_ERROR else {
                rd_kafka_mock_cluster_destroy(cluster)
                rd_kafka_destroy(client)
                throw KafkaError.clientCreation(reason: "topic \(topic.name): \(KafkaError.text(code))")
            }
        }
        bootstrapServers = String(cString: rd_kafka_mock_cluster_bootstraps(cluster))
    }

    deinit {
        rd_kafka_mock_cluster_destroy(cluster)
        rd_kafka_destroy(client)
    }
}
