import CRdKafka
import Foundation

/// Where the brokers are and which extra librdkafka properties every client gets.
public struct KafkaConfiguration: Sendable {
    /// Comma-separated `host:port` list (librdkafka's `bootstrap.servers`).
    public var bootstrapServers: String
    /// Reported to the brokers; shows up in broker logs and quotas.
    public var clientID: String
    /// Extra librdkafka properties; they override Palisade's defaults.
    public var properties: [String: String]

    public init(bootstrapServers: String, clientID: String, properties: [String: String] = [:]) {
        self.bootstrapServers = bootstrapServers
        self.clientID = clientID
        self.properties = properties
    }

    /// `PALISADE_KAFKA_BROKERS` wins; otherwise the dev broker's address file
    /// `PALISADE_KAFKA_BROKERS_FILE` is read (written by `palisade dev-broker`).
    public static func bootstrapServers(environment: [String: String]) throws -> String {
        if let brokers = environment["PALISADE_KAFKA_BROKERS"], !brokers.isEmpty {
            return brokers
        }
        if let path = environment["PALISADE_KAFKA_BROKERS_FILE"], !path.isEmpty {
            let text = try String(contentsOfFile: path, encoding: .utf8)
            let brokers = text.trimmingCharacters(in: .whitespacesAndNewlines)
            if !brokers.isEmpty { return brokers }
        }
        throw KafkaError.configuration(
            property: "PALISADE_KAFKA_BROKERS",
            reason: "set PALISADE_KAFKA_BROKERS or PALISADE_KAFKA_BROKERS_FILE"
        )
    }
}

/// Builds a `rd_kafka_conf_t`; the caller owns the result until `rd_kafka_new` succeeds.
enum NativeConfiguration {
    static func make(_ properties: [String: String]) throws -> OpaquePointer {
        guard let conf = rd_kafka_conf_new() else {
            throw KafkaError.clientCreation(reason: "rd_kafka_conf_new returned nil")
        }
        var error = ErrorBuffer()
        for (key, value) in properties.sorted(by: { $0.key < $1.key }) {
            let result = rd_kafka_conf_set(conf, key, value, &error.bytes, error.bytes.count)
            if result != RD_KAFKA_CONF_OK {
                rd_kafka_conf_destroy(conf)
                throw KafkaError.configuration(property: key, reason: error.text)
            }
        }
        return conf
    }

    /// Creates the client; on failure destroys `conf`, which librdkafka only takes on success.
    static func client(type: rd_kafka_type_t, conf: OpaquePointer) throws -> OpaquePointer {
        var error = ErrorBuffer()
        guard let handle = rd_kafka_new(type, conf, &error.bytes, error.bytes.count) else {
            rd_kafka_conf_destroy(conf)
            throw KafkaError.clientCreation(reason: error.text)
        }
        return handle
    }
}
