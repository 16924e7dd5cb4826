import Foundation
import Logging
import PalisadeKafka

extension TestEnvironment {
    /// Reads `topic` from its start in a group of its own until `match` returns a value, or
    /// gives nil after `timeout`.
    func firstRecord<Value: Sendable>(on topic: String, timeout: Duration = .seconds(60),
                                      _ match: @escaping @Sendable (KafkaMessage) -> Value?) async throws -> Value? {
        try await reading(try reader(of: topic), timeout: timeout, atDeadline: { nil }) { consumer in
            for try await message in consumer.messages {
                if let value = match(message) { return value }
            }
            return nil
        }
    }

    /// The last record of `key` on `topic` (what compaction will leave of it), reading the
    /// topic from its start to where it ended when asked; nil when it has none.
    func lastRecord(on topic: Topic, key: String, timeout: Duration = .seconds(60)) async throws -> KafkaMessage? {
        let consumer = try reader(of: topic.name)
        var ends: [Int32: Int64] = [:]
        for partition in 0..<topic.partitions {
            let end = try await consumer.highWatermark(topic: topic.name, partition: partition)
            if end > 0 { ends[partition] = end }
        }
        return try await reading(consumer, timeout: timeout, atDeadline: {
            throw TestSetupError("\(topic.name) not read to its end within \(timeout)")
        }) { [ends] consumer in
            var remaining = ends
            var last: KafkaMessage?
            if remaining.isEmpty { return nil }
            for try await message in consumer.messages {
                if message.keyText == key { last = message }
                if let end = remaining[message.partition], message.offset + 1 >= end { remaining[message.partition] = nil }
                if remaining.isEmpty { return last }
            }
            throw TestSetupError("\(topic.name) ended before the offsets it had when asked")
        }
    }

    /// The dev broker's bootstrap servers (`scripts/test` writes them to a file).
    func kafkaBrokers() throws -> String {
        try String(contentsOfFile: self["PALISADE_KAFKA_BROKERS_FILE"], encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A consumer reading `topic` from its start, in a group of its own.
    func reader(of topic: String) throws -> KafkaConsumer {
        try KafkaConsumer(
            configuration: KafkaConfiguration(bootstrapServers: try kafkaBrokers(), clientID: "test-reader"),
            groupID: "test-reader-\(UUID().uuidString)", topics: [topic], logger: Logger(label: "test")
        )
    }

    /// Runs `read` on `consumer` until it returns or `timeout` passes; at the deadline the
    /// consumer is stopped (which ends `read`'s loop) and `atDeadline` answers. Closes the
    /// consumer.
    private func reading<Value: Sendable>(_ consumer: KafkaConsumer, timeout: Duration,
                                          atDeadline: @escaping @Sendable () throws -> Value?,
                                          _ read: @escaping @Sendable (KafkaConsumer) async throws -> Value?) async throws -> Value? {
        let outcome = await withTaskGroup(of: Result<Value?, any Error>?.self) { group in
            group.addTask {
                do { return .success(try await read(consumer)) } catch { return .failure(error) }
            }
            group.addTask {
                // Cancelled: `read` answered first.
                guard (try? await Task.sleep(for: timeout)) != nil else { return nil }
                consumer.stop()
                return Result { try atDeadline() }
            }
            var outcome: Result<Value?, any Error>?
            for await next in group {
                if let next {
                    outcome = next
                    break
                }
            }
            consumer.stop()
            group.cancelAll()
            return outcome
        }
        await consumer.close()
        return try outcome?.get() ?? nil
    }
}
