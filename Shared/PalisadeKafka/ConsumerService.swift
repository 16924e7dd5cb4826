import Logging
import Metrics
import ServiceLifecycle

/// A handler's verdict that a record can never succeed (undecodable, invalid): it goes to the
/// topic's dead-letter queue instead of blocking its partition.
public struct PoisonRecord: Error, CustomStringConvertible {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}

/// Source → handler → commit, as a ServiceLifecycle service.
///
/// Each batch is handed to `handler`; offsets are committed only after it returned. A batch
/// whose handler throws is retried with backoff (a database outage loses nothing); a record the
/// handler calls poison goes to `<topic>.dlq` with the error, and then counts as handled.
public struct ConsumerService: Service {
    public typealias Handler = @Sendable ([KafkaMessage]) async throws -> Void

    /// The batch window of sinks nobody waits on (the ledger, SIEM forwarding, stores): at a
    /// steady 1,000 records/s it turns several tiny transactions per record into one per 50.
    public static let sinkBatchWindow = Duration.milliseconds(50)

    let name: String
    let consumer: KafkaConsumer
    let deadLetters: KafkaProducer
    let maxBatch: Int
    let batchWindow: Duration
    let handler: Handler
    let logger: Logger

    /// `batchWindow` is how long a batch may keep filling after its first record (see
    /// `KafkaConsumer.batches(maxCount:window:)`).
    public init(name: String, consumer: KafkaConsumer, deadLetters: KafkaProducer, maxBatch: Int = 500, batchWindow: Duration = .zero,
                logger: Logger, handler: @escaping Handler) {
        self.name = name
        self.consumer = consumer
        self.deadLetters = deadLetters
        self.maxBatch = maxBatch
        self.batchWindow = batchWindow
        self.handler = handler
        self.logger = logger
    }

    public func run() async throws {
        let consumed = Counter(label: "palisade_kafka_consumed_total", dimensions: [("consumer", name)])
        let deadLettered = Counter(label: "palisade_kafka_dead_lettered_total", dimensions: [("consumer", name)])
        let consumer = self.consumer
        try await withGracefulShutdownHandler {
            for try await batch in consumer.batches(maxCount: maxBatch, window: batchWindow) {
                // A shutdown cancels a batch still being handled (a receiver being retried, say):
                // its offsets are not stored, so whoever takes the partition handles it again.
                guard let poisoned = await cancelWhenGracefulShutdown({ await handleUntilDone(batch) }) else {
                    logger.info("batch abandoned for shutdown; it will be redelivered", metadata: ["consumer": "\(name)", "records": "\(batch.count)"])
                    break
                }
                if !poisoned.isEmpty {
                    _ = try await deadLetters.send(poisoned)
                    deadLettered.increment(by: poisoned.count)
                }
                try consumer.commit(batch)
                consumed.increment(by: batch.count)
            }
        } onGracefulShutdown: {
            consumer.stop()
        }
        await consumer.close()
    }

    /// Runs the handler until it succeeds; returns the dead letters of records it refused, or
    /// nil when cancelled first (nothing of the batch may be committed then).
    private func handleUntilDone(_ batch: [KafkaMessage]) async -> [KafkaRecord]? {
        var attempt = 0
        while true {
            do {
                try await handler(batch)
                return []
            } catch let poison as PoisonRecord where batch.count > 1 {
                // Find the poisoned record(s) by handling each alone.
                logger.warning("poison record in batch; handling one by one", metadata: ["reason": "\(poison.reason)"])
                var letters: [KafkaRecord] = []
                for message in batch {
                    guard let refused = await handleUntilDone([message]) else { return nil }
                    letters += refused
                }
                return letters
            } catch let poison as PoisonRecord {
                let message = batch[0]
                logger.error("poison record to dead-letter queue", metadata: [
                    "topic": "\(message.topic)", "partition": "\(message.partition)", "offset": "\(message.offset)",
                    "reason": "\(poison.reason)",
                ])
                return [KafkaRecord(deadLetterOf: message, reason: poison.reason)]
            } catch {
                attempt += 1
                let delay = Duration.milliseconds(min(5000, 100 << min(attempt, 6)))
                logger.error("consumer handler failed; retrying", metadata: [
                    "consumer": "\(name)", "attempt": "\(attempt)", "error": "\(String(reflecting: error))",
                ])
                // Backoff between retries of a failing effect (not synchronisation).
                try? await Task.sleep(for: delay)
                if Task.isCancelled { return nil }
            }
        }
    }
}
