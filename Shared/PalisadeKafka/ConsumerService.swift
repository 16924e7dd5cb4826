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

    /// State a consumer builds from its records and saves now and then (trigger windows):
    /// offsets are committed only up to what a saved checkpoint covers, so after a crash or a
    /// rebalance whoever owns a partition loads the checkpoint and is redelivered the rest.
    public struct Checkpoint: Sendable {
        /// How often the state is saved, with records arriving or not.
        public var interval: Duration
        /// Makes the state of every batch handled so far durable.
        public var save: @Sendable () async throws -> Void
        /// Drops the state held in memory: partitions may have moved, and what was not saved
        /// is redelivered to whoever owns them now.
        public var forget: @Sendable () -> Void

        public init(interval: Duration, save: @escaping @Sendable () async throws -> Void, forget: @escaping @Sendable () -> Void) {
            self.interval = interval
            self.save = save
            self.forget = forget
        }
    }

    /// The batch window of sinks nobody waits on (the ledger, SIEM forwarding, stores): at a
    /// steady 1,000 records/s it turns several tiny transactions per record into one per 50.
    public static let sinkBatchWindow = Duration.milliseconds(50)

    let name: String
    let consumer: KafkaConsumer
    let deadLetters: KafkaProducer
    let maxBatch: Int
    let batchWindow: Duration
    let checkpoint: Checkpoint?
    let handler: Handler
    let logger: Logger

    /// `batchWindow` is how long a batch may keep filling after its first record (see
    /// `KafkaConsumer.batches(maxCount:window:)`). Without `checkpoint`, a batch is committed
    /// as soon as its handler returned.
    public init(name: String, consumer: KafkaConsumer, deadLetters: KafkaProducer, maxBatch: Int = 500, batchWindow: Duration = .zero,
                checkpoint: Checkpoint? = nil, logger: Logger, handler: @escaping Handler) {
        self.name = name
        self.consumer = consumer
        self.deadLetters = deadLetters
        self.maxBatch = maxBatch
        self.batchWindow = batchWindow
        self.checkpoint = checkpoint
        self.handler = handler
        self.logger = logger
    }

    public func run() async throws {
        let consumed = Counter(label: "palisade_kafka_consumed_total", dimensions: [("consumer", name)])
        let deadLettered = Counter(label: "palisade_kafka_dead_lettered_total", dimensions: [("consumer", name)])
        let consumer = self.consumer
        var checkpoints = checkpoint.map { CheckpointProgress($0, consumer: consumer, name: name, logger: logger) }
        try await withGracefulShutdownHandler {
            for try await received in consumer.batches(maxCount: maxBatch, window: batchWindow, idle: checkpoint?.interval) {
                let batch = checkpoints?.current(received) ?? received
                if batch.isEmpty {
                    await checkpoints?.saveIfDue()
                    continue
                }
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
                if checkpoints != nil {
                    checkpoints?.handled(batch)
                    await checkpoints?.saveIfDue()
                } else {
                    try consumer.commit(batch)
                }
                consumed.increment(by: batch.count)
            }
        } onGracefulShutdown: {
            consumer.stop()
        }
        await checkpoints?.save()
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

/// What a checkpointed consumer has handled since its last checkpoint, and when the next is due.
struct CheckpointProgress {
    let checkpoint: ConsumerService.Checkpoint
    let consumer: KafkaConsumer
    let name: String
    let logger: Logger
    /// The newest handled record of each partition, its payload dropped: what the next
    /// successful checkpoint commits.
    private var uncommitted: [String: KafkaMessage] = [:]
    /// The assignment the state in memory belongs to.
    private var assignment: Int
    private var due: ContinuousClock.Instant

    init(_ checkpoint: ConsumerService.Checkpoint, consumer: KafkaConsumer, name: String, logger: Logger) {
        self.checkpoint = checkpoint
        self.consumer = consumer
        self.name = name
        self.logger = logger
        assignment = consumer.assignment
        due = .now + checkpoint.interval
    }

    /// The records of `batch` polled under the current assignment. When it changed, the state
    /// is forgotten first: records handled since the last checkpoint are redelivered from the
    /// committed offsets, and records polled before the change may be of partitions gone since.
    mutating func current(_ batch: [KafkaMessage]) -> [KafkaMessage] {
        let now = consumer.assignment
        if now != assignment {
            checkpoint.forget()
            uncommitted.removeAll()
            assignment = now
            logger.info("checkpointed state dropped for a new assignment", metadata: ["consumer": "\(name)"])
        }
        return batch.filter { $0.assignment == now }
    }

    mutating func handled(_ batch: [KafkaMessage]) {
        for message in batch {
            let key = "\(message.topic)\u{0}\(message.partition)"
            if let known = uncommitted[key], known.offset >= message.offset { continue }
            uncommitted[key] = KafkaMessage(topic: message.topic, partition: message.partition, offset: message.offset,
                                            key: [], value: [], headers: [], assignment: message.assignment)
        }
    }

    mutating func saveIfDue() async {
        guard ContinuousClock.now >= due else { return }
        await save()
    }

    /// Saves the state and then commits what it covers; a failed save commits nothing (the
    /// records stay redeliverable) and is tried again at the next interval.
    mutating func save() async {
        due = .now + checkpoint.interval
        do {
            try await checkpoint.save()
            try consumer.commit(Array(uncommitted.values))
            uncommitted.removeAll()
        } catch {
            Counter(label: "palisade_kafka_checkpoint_failures_total", dimensions: [("consumer", name)]).increment()
            logger.error("checkpoint failed; its records stay uncommitted", metadata: ["consumer": "\(name)", "error": "\(String(reflecting: error))"])
        }
    }
}
