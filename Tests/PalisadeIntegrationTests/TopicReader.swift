import Foundation
import Logging
import PalisadeKafka

extension TestEnvironment {
    /// Reads `topic` from its start in a group of its own until `match` returns a value, or
    /// gives nil after `timeout`.
    func firstRecord<Value: Sendable>(on topic: String, timeout: Duration = .seconds(60),
                                      _ match: @escaping @Sendable (KafkaMessage) -> Value?) async throws -> Value? {
        let brokers = try String(contentsOfFile: self["PALISADE_KAFKA_BROKERS_FILE"], encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let consumer = try KafkaConsumer(
            configuration: KafkaConfiguration(bootstrapServers: brokers, clientID: "test-reader"),
            groupID: "test-reader-\(UUID().uuidString)", topics: [topic], logger: Logger(label: "test")
        )
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
