import Foundation
import Logging
import PalisadeEvents
import PalisadeKafka
import ServiceLifecycle

/// packs topic → `GatewayPacks`. Reads the compacted topic from the start in a group of its
/// own (every gateway needs every tenant's set) and never commits. The high watermarks asked
/// for at start say when everything published before then has been read: until that moment
/// `GatewayPacks` answers "not loaded" and each route's fail mode applies.
struct PackSetReader: Service {
    let consumer: KafkaConsumer
    let packs: GatewayPacks
    let refusals: @Sendable ([GatewayPacks.Refusal]) -> Void
    let logger: Logger

    func run() async throws {
        let consumer = consumer
        try await withGracefulShutdownHandler {
            var remaining = try await startingWatermarks()
            if remaining.isEmpty { packs.markCaughtUp() }
            for try await batch in consumer.batches(maxCount: 500) {
                for message in batch {
                    if let set = try? Palisade_V1_PolicyPackSet(serializedBytes: message.value),
                       set.tenantID == message.keyText.lowercased() {
                        let refused = packs.apply(set)
                        if !refused.isEmpty { refusals(refused) }
                    } else {
                        logger.warning("a record on the packs topic is not a pack set of its key's tenant; skipped",
                                       metadata: ["partition": "\(message.partition)", "offset": "\(message.offset)"])
                    }
                    if let end = remaining[message.partition], message.offset + 1 >= end { remaining[message.partition] = nil }
                }
                if remaining.isEmpty { packs.markCaughtUp() }
            }
        } onGracefulShutdown: {
            consumer.stop()
        }
        await consumer.close()
    }

    /// Partitions that held records at start, with the offset to reach; asked again until the
    /// broker answers (the gateway must not claim to be caught up on a guess).
    private func startingWatermarks() async throws -> [Int32: Int64] {
        var delay = Duration.milliseconds(200)
        while true {
            do {
                var remaining: [Int32: Int64] = [:]
                for partition in 0..<Topic.policyPacks.partitions {
                    let high = try await consumer.highWatermark(topic: Topic.policyPacks.name, partition: partition)
                    if high > 0 { remaining[partition] = high }
                }
                return remaining
            } catch {
                logger.warning("packs topic watermarks not known yet", metadata: ["error": "\(error)"])
                try await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(5))
            }
        }
    }
}
