import CRdKafka
import Logging
import Synchronization

/// A consumer-group member subscribed to a set of topics.
///
/// Offsets are stored only when the application calls `commit` after its handler succeeded
/// (`enable.auto.offset.store=false`); librdkafka commits stored offsets every second, on
/// rebalance and on `close()`. So a record is never marked done before its effect was durable,
/// and a crash redelivers at most what was handled since the last commit (at-least-once).
public final class KafkaConsumer: @unchecked Sendable {
    // @unchecked Sendable: `handle` is a thread-safe librdkafka client. Every call on it goes
    // through `withOpenHandle`, which holds `state` so that no call overlaps `close()`.
    private let handle: OpaquePointer
    private let state = Mutex(State.open)
    private let membership: Unmanaged<GroupMembership>
    private let logger: Logger

    private enum State { case open, stopping, closed }

    public init(configuration: KafkaConfiguration, groupID: String, topics: [String], logger: Logger) throws {
        var properties = [
            "bootstrap.servers": configuration.bootstrapServers,
            "client.id": configuration.clientID,
            "group.id": groupID,
            "enable.auto.commit": "true",
            "auto.commit.interval.ms": "1000",
            "enable.auto.offset.store": "false",
            "auto.offset.reset": "earliest",
            "session.timeout.ms": "10000",
            "heartbeat.interval.ms": "1000",
            "enable.partition.eof": "false",
            // Each hop of a pipeline (runtime → policy → incidents → alerts) can wait this long
            // for an idle partition's fetch; 100 ms keeps the end-to-end path well under a second
            // at the cost of more (cheap) idle fetches.
            "fetch.wait.max.ms": "100",
        ]
        properties.merge(configuration.properties) { _, override in override }
        let conf = try NativeConfiguration.make(properties)
        let membership = Unmanaged.passRetained(GroupMembership(logger: logger))
        rd_kafka_conf_set_opaque(conf, membership.toOpaque())
        rd_kafka_conf_set_rebalance_cb(conf, rebalanceCallback)
        let handle: OpaquePointer
        do {
            handle = try NativeConfiguration.client(type: RD_KAFKA_CONSUMER, conf: conf)
        } catch {
            membership.release()
            throw error
        }
        // Route the main queue into the consumer queue so `consumer_poll` serves everything.
        rd_kafka_poll_set_consumer(handle)
        let list = rd_kafka_topic_partition_list_new(Int32(topics.count))
        defer { rd_kafka_topic_partition_list_destroy(list) }
        for topic in topics {
            rd_kafka_topic_partition_list_add(list, topic, RD_KAFKA_PARTITION_UA)
        }
        let code = rd_kafka_subscribe(handle, list)
        guard code == RD_KAFKA_RESP_ERR_NO_ERROR else {
            rd_kafka_destroy(handle)
            membership.release()
            throw KafkaError.subscription(reason: KafkaError.text(code))
        }
        self.handle = handle
        self.membership = membership
        self.logger = logger
    }

    deinit {
        if state.withLock({ $0 }) != .closed {
            rd_kafka_consumer_close(handle)
            rd_kafka_destroy(handle)
        }
        membership.release()
    }

    /// How many partitions the group currently assigns to this member.
    public var assignedPartitionCount: Int { membership.takeUnretainedValue().assignedCount }

    /// Counts the member's assignments and revocations: it changes whenever partitions may
    /// have moved, and every polled record carries the value it was polled under.
    public var assignment: Int { membership.takeUnretainedValue().generation }

    /// One record at a time; ends when `stop()` or `close()` was called or the task is cancelled.
    public var messages: KafkaMessages { KafkaMessages(consumer: self) }

    /// Up to `maxCount` records at a time. With a zero `window` a batch is whatever is already
    /// fetched; otherwise, once its first record arrived, a batch keeps filling for up to
    /// `window` (a sink's batch timeout: fewer, fuller batches for a bounded delay).
    /// With `idle`, an empty batch comes back once nothing has arrived for that long (so a
    /// consumer can checkpoint what it has handled while its topics are quiet).
    public func batches(maxCount: Int, window: Duration = .zero, idle: Duration? = nil) -> KafkaBatches {
        KafkaBatches(consumer: self, maxCount: maxCount, window: window, idle: idle)
    }

    /// Marks `message` handled; its offset (and every earlier one of its partition) will be
    /// committed.
    public func commit(_ message: KafkaMessage) throws {
        try commit([message])
    }

    /// Marks every message handled; the highest offset per partition is what counts.
    public func commit(_ messages: [KafkaMessage]) throws {
        guard !messages.isEmpty else { return }
        var highest: [String: [Int32: Int64]] = [:]
        for message in messages {
            let current = highest[message.topic, default: [:]][message.partition] ?? -1
            highest[message.topic, default: [:]][message.partition] = max(current, message.offset)
        }
        try withOpenHandle { handle in
            let list = rd_kafka_topic_partition_list_new(Int32(messages.count))
            defer { rd_kafka_topic_partition_list_destroy(list) }
            for (topic, partitions) in highest {
                for (partition, offset) in partitions {
                    let entry = rd_kafka_topic_partition_list_add(list, topic, partition)
                    entry?.pointee.offset = offset + 1
                }
            }
            // A partition revoked meanwhile is refused (its new owner redelivers): not an error.
            let code = rd_kafka_offsets_store(handle, list)
            if code != RD_KAFKA_RESP_ERR_NO_ERROR && code != RD_KAFKA_RESP_ERR__STATE {
                throw KafkaError.consume(reason: "offset store: \(KafkaError.text(code))")
            }
        }
    }

    /// Ends the message sequences at their next poll; stored offsets stay committable.
    public func stop() {
        state.withLock { state in
            if state == .open { state = .stopping }
        }
    }

    /// Commits stored offsets and leaves the group so its partitions move on at once.
    public func close() async {
        stop()
        let handle = SendableHandle(self.handle)
        let logger = self.logger
        _ = try? await BlockingCalls.run { [self] in
            self.state.withLock { state in
                guard state != .closed else { return }
                state = .closed
                let code = rd_kafka_consumer_close(handle.pointer)
                if code != RD_KAFKA_RESP_ERR_NO_ERROR {
                    logger.warning("kafka consumer close", metadata: ["error": "\(KafkaError.text(code))"])
                }
                rd_kafka_destroy(handle.pointer)
            }
        }
        logger.info("kafka consumer left its group")
    }

    /// Whether a broker answers a metadata request within `timeout`.
    public func checkReachable(timeout: Duration = .seconds(2)) async throws {
        guard state.withLock({ $0 }) != .closed else { throw KafkaError.closed }
        try await Metadata.probe(handle: SendableHandle(handle), timeout: timeout)
    }

    /// Polls until at least one record arrived, then takes up to `maxCount` for as long as
    /// `window` after it (only what is already fetched for a zero window); returns nil once
    /// stopped or cancelled. With `idle`, an empty batch once nothing arrived for that long.
    func nextBatch(maxCount: Int, window: Duration = .zero, idle: Duration? = nil) async throws -> [KafkaMessage]? {
        let quietUntil = idle.map { ContinuousClock.now + $0 }
        while !Task.isCancelled {
            let handle = SendableHandle(self.handle)
            let outcome: PollOutcome = try await BlockingCalls.run { [self] in
                do {
                    return try self.withOpenHandle(allowStopping: false) { _ in
                        var batch: [KafkaMessage] = []
                        // Set by the first record; nil while the batch is still empty.
                        var closesAt: ContinuousClock.Instant?
                        while batch.count < maxCount {
                            let timeout = closesAt.map { max(.zero, ContinuousClock.now.duration(to: $0)).milliseconds32 } ?? 100
                            guard let message = try self.poll(handle.pointer, timeout: timeout) else {
                                // An event other than a record, while the window is still open.
                                if let closesAt, timeout > 0, ContinuousClock.now < closesAt { continue }
                                break
                            }
                            batch.append(message)
                            if closesAt == nil { closesAt = .now + window }
                        }
                        Self.noteHighWatermarks(of: &batch, handle: handle.pointer)
                        return .messages(batch)
                    }
                } catch KafkaError.closed {
                    return .ended
                }
            }
            switch outcome {
            case .ended: return nil
            case .messages(let batch) where !batch.isEmpty: return batch
            case .messages:
                if let quietUntil, ContinuousClock.now >= quietUntil { return [] }
                continue
            }
        }
        return nil
    }

    /// Sets each record's `highWatermark` from librdkafka's cache (no request), asked once per
    /// partition of the batch: read after the batch's last poll, it is past every offset in it.
    private static func noteHighWatermarks(of batch: inout [KafkaMessage], handle: OpaquePointer) {
        var known: [String: [Int32: Int64?]] = [:]
        for index in batch.indices {
            let (topic, partition) = (batch[index].topic, batch[index].partition)
            if let watermark = known[topic]?[partition] {
                batch[index].highWatermark = watermark
                continue
            }
            var low: Int64 = 0
            var high: Int64 = -1
            _ = rd_kafka_get_watermark_offsets(handle, topic, partition, &low, &high)
            let watermark = high >= 0 ? high : nil
            known[topic, default: [:]][partition] = .some(watermark)
            batch[index].highWatermark = watermark
        }
    }

    private enum PollOutcome: Sendable {
        case messages([KafkaMessage])
        case ended
    }

    /// One `rd_kafka_consumer_poll`; nil when nothing arrived within `timeout` ms.
    private func poll(_ handle: OpaquePointer, timeout: Int32) throws -> KafkaMessage? {
        guard let raw = rd_kafka_consumer_poll(handle, timeout) else { return nil }
        defer { rd_kafka_message_destroy(raw) }
        let message = raw.pointee
        guard message.err == RD_KAFKA_RESP_ERR_NO_ERROR else {
            if message.err == RD_KAFKA_RESP_ERR__FATAL {
                throw KafkaError.consume(reason: KafkaError.text(message.err))
            }
            // Transient (broker down, partition EOF): librdkafka recovers by itself.
            logger.debug("kafka consumer event", metadata: ["error": "\(KafkaError.text(message.err))"])
            return nil
        }
        let topic = message.rkt.map { String(cString: rd_kafka_topic_name($0)) } ?? ""
        return KafkaMessage(
            topic: topic,
            partition: message.partition,
            offset: message.offset,
            key: Self.bytes(message.key, message.key_len),
            value: Self.bytes(message.payload, message.len),
            headers: Self.headers(of: raw),
            // Read after the poll: a rebalance it ran (the callback runs inside it) came first.
            assignment: membership.takeUnretainedValue().generation
        )
    }

    private static func bytes(_ pointer: UnsafeMutableRawPointer?, _ count: Int) -> [UInt8] {
        guard let pointer, count > 0 else { return [] }
        return Array(UnsafeRawBufferPointer(start: pointer, count: count))
    }

    private static func headers(of message: UnsafeMutablePointer<rd_kafka_message_t>) -> [KafkaHeader] {
        var headers: OpaquePointer?
        guard rd_kafka_message_headers(message, &headers) == RD_KAFKA_RESP_ERR_NO_ERROR, let headers else {
            return []
        }
        var result: [KafkaHeader] = []
        var index = 0
        while true {
            var name: UnsafePointer<CChar>?
            var value: UnsafeRawPointer?
            var size = 0
            guard rd_kafka_header_get_all(headers, index, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR,
                  let name else { break }
            let bytes = value.map { Array(UnsafeRawBufferPointer(start: $0, count: size)) } ?? []
            result.append(KafkaHeader(name: String(cString: name), value: bytes))
            index += 1
        }
        return result
    }

    /// The offset the next record written to `partition` of `topic` will get (its high
    /// watermark), asked of the broker: a reader that has consumed up to it has seen everything
    /// written before the question.
    public func highWatermark(topic: String, partition: Int32, timeout: Duration = .seconds(5)) async throws -> Int64 {
        let milliseconds = Int32(timeout / .milliseconds(1))
        return try await BlockingCalls.run { [self] in
            try withOpenHandle { handle in
                var low: Int64 = 0
                var high: Int64 = 0
                let code = rd_kafka_query_watermark_offsets(handle, topic, partition, &low, &high, milliseconds)
                guard code == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError.unreachable(reason: KafkaError.text(code)) }
                return high
            }
        }
    }

    /// Runs `body` while the handle is guaranteed alive; throws `.closed` otherwise.
    private func withOpenHandle<Result>(allowStopping: Bool = true, _ body: (OpaquePointer) throws -> Result) throws -> Result {
        try state.withLock { state in
            switch state {
            case .open: return try body(handle)
            case .stopping where allowStopping: return try body(handle)
            case .stopping, .closed: throw KafkaError.closed
            }
        }
    }
}

/// `for try await message in consumer.messages`.
public struct KafkaMessages: AsyncSequence, Sendable {
    public typealias Element = KafkaMessage
    let consumer: KafkaConsumer

    public struct AsyncIterator: AsyncIteratorProtocol {
        let consumer: KafkaConsumer
        var buffered: [KafkaMessage] = []

        public mutating func next() async throws -> KafkaMessage? {
            if buffered.isEmpty {
                guard let batch = try await consumer.nextBatch(maxCount: 1) else { return nil }
                buffered = batch.reversed()
            }
            return buffered.popLast()
        }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(consumer: consumer) }
}

/// `for try await batch in consumer.batches(maxCount: 500)`.
public struct KafkaBatches: AsyncSequence, Sendable {
    public typealias Element = [KafkaMessage]
    let consumer: KafkaConsumer
    let maxCount: Int
    let window: Duration
    let idle: Duration?

    public struct AsyncIterator: AsyncIteratorProtocol {
        let consumer: KafkaConsumer
        let maxCount: Int
        let window: Duration
        let idle: Duration?

        public mutating func next() async throws -> [KafkaMessage]? {
            try await consumer.nextBatch(maxCount: maxCount, window: window, idle: idle)
        }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(consumer: consumer, maxCount: maxCount, window: window, idle: idle) }
}

/// What the rebalance callback knows: the member's assignment, for logs and readiness.
final class GroupMembership: Sendable {
    private let assigned = Atomic<Int>(0)
    private let changes = Atomic<Int>(0)
    let logger: Logger

    init(logger: Logger) { self.logger = logger }

    var assignedCount: Int { assigned.load(ordering: .acquiring) }
    /// How many times the assignment changed.
    var generation: Int { changes.load(ordering: .acquiring) }

    func record(assigned count: Int) {
        assigned.store(count, ordering: .releasing)
        changes.add(1, ordering: .acquiringAndReleasing)
    }
}

/// Runs inside `rd_kafka_consumer_poll` on the polling thread.
private func rebalanceCallback(
    handle: OpaquePointer?, code: rd_kafka_resp_err_t,
    partitions: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?, opaque: UnsafeMutableRawPointer?
) {
    guard let handle else { return }
    let membership = opaque.map { Unmanaged<GroupMembership>.fromOpaque($0).takeUnretainedValue() }
    let count = Int(partitions?.pointee.cnt ?? 0)
    switch code {
    case RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS:
        rd_kafka_assign(handle, partitions)
        membership?.record(assigned: count)
        membership?.logger.info("kafka partitions assigned", metadata: ["count": "\(count)"])
    case RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS:
        // Commit what was handled before the partitions move, so the next owner starts there.
        let commit = rd_kafka_commit(handle, nil, 0)
        if commit != RD_KAFKA_RESP_ERR_NO_ERROR && commit != RD_KAFKA_RESP_ERR__NO_OFFSET {
            membership?.logger.warning("kafka commit on revoke", metadata: ["error": "\(KafkaError.text(commit))"])
        }
        rd_kafka_assign(handle, nil)
        membership?.record(assigned: 0)
        membership?.logger.info("kafka partitions revoked", metadata: ["count": "\(count)"])
    default:
        rd_kafka_assign(handle, nil)
        membership?.record(assigned: 0)
        membership?.logger.warning("kafka rebalance error", metadata: ["error": "\(KafkaError.text(code))"])
    }
}
