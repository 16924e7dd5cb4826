import Foundation
import Logging
import PalisadeKafka

extension TestEnvironment {
    /// Reads `topic` from its start in a group of its own until `match` returns a value, or
    /// gives nil after `timeout`.
    func firstRecord<Value: Sendable>(on topic: String, timeout: Duration = .seconds(60),
                                      _ match: @escaping @Sendable (KafkaMessage) -> Value?) async throws -> Value? {
        let consumer = try reader(of: topic)
        let found = try await withThrowingTaskGroup(of: Value?.self) { group in
            group.addTask {
                for try await message in consumer.messages {
                    if let value = match(message) { return value }
                }
                return nil
            }
            group.addTask {
                // The deadline: stopping the consumer ends the other task's loop.
                try? await Task.sleep(for: timeout)
                consumer.stop()
                return nil
            }
            let first = try await group.next() ?? nil
            consumer.stop()
            group.cancelAll()
            return first
        }
        await consumer.close()
        return found
    }
}

extension TestEnvironment {
    /// The last record of `key` on `topic` (what compaction will leave of it), reading the
    /// topic from its start to where it ended when asked; nil when it has none.
    func lastRecord(on topic: Topic, key: String, timeout: Duration = .seconds(60)) async throws -> KafkaMessage? {
        let consumer = try reader(of: topic.name)
        var remaining: [Int32: Int64] = [:]
        for partition in 0..<topic.partitions {
            let end = try await consumer.highWatermark(topic: topic.name, partition: partition)
            if end > 0 { remaining[partition] = end }
        }
        let ends = remaining
        let last = try await withThrowingTaskGroup(of: KafkaMessage?.self) { group in
            group.addTask {
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
            group.addTask {
                try await Task.sleep(for: timeout)
                consumer.stop()
                throw TestSetupError("\(topic.name) not read to its end within \(timeout)")
            }
            let last = try await group.next() ?? nil
            consumer.stop()
            group.cancelAll()
            return last
        }
        await consumer.close()
        return last
    }
}

extension TestEnvironment {
    /// A consumer reading `topic` from its start, in a group of its own.
    func reader(of topic: String) throws -> KafkaConsumer {
        let brokers = try String(contentsOfFile: self["PALISADE_KAFKA_BROKERS_FILE"], encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        return try KafkaConsumer(
            configuration: KafkaConfiguration(bootstrapServers: brokers, clientID: "test-reader"),
            groupID: "test-reader-\(UUID().uuidString)", topics: [topic], logger: Logger(label: "test")
        )
    }
}
