import CRdKafka
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// An idempotent producer (`enable.idempotence=true`, `acks=all`).
///
/// `send` returns only once the broker acknowledged the record; a failed delivery throws.
/// A dedicated thread serves delivery reports; `shutdown()` flushes what is in flight.
public final class KafkaProducer: Service, @unchecked Sendable {
    // @unchecked Sendable: `handle` is a librdkafka client, documented thread-safe for produce,
    // poll and flush; it is destroyed only in `shutdown()` after the poll thread has stopped,
    // and `state` guards that no produce starts after destruction began.
    private let handle: OpaquePointer
    private let state = Mutex(State.open)
    private let pollThread: PollThread
    private let logger: Logger

    private enum State { case open, closed }

    public init(configuration: KafkaConfiguration, logger: Logger) throws {
        var properties = [
            "bootstrap.servers": configuration.bootstrapServers,
            "client.id": configuration.clientID,
            "enable.idempotence": "true",
            "acks": "all",
            "linger.ms": "2",
            "message.timeout.ms": "30000",
            "queue.buffering.max.messages": "500000",
        ]
        properties.merge(configuration.properties) { _, override in override }
        let conf = try NativeConfiguration.make(properties)
        rd_kafka_conf_set_dr_msg_cb(conf, deliveryReportCallback)
        self.handle = try NativeConfiguration.client(type: RD_KAFKA_PRODUCER, conf: conf)
        self.logger = logger
        self.pollThread = PollThread(name: "kafka-producer-poll", handle: handle)
    }

    deinit {
        // A producer that was never shut down still releases its client.
        if state.withLock({ $0 }) == .open {
            pollThread.stop()
            rd_kafka_destroy(handle)
        }
    }

    /// Produces one record and waits for the broker's acknowledgement.
    @discardableResult
    public func send(_ record: KafkaRecord) async throws -> DeliveryReport {
        let reports = try await send([record])
        return reports[0]
    }

    /// Produces all records, then waits until every one was acknowledged (or failed).
    /// Throws the first failure; the records that did reach the broker stay there.
    public func send(_ records: [KafkaRecord]) async throws -> [DeliveryReport] {
        guard !records.isEmpty else { return [] }
        return try await withCheckedThrowingContinuation { continuation in
            let batch = DeliveryBatch(count: records.count, continuation: continuation)
            for (index, record) in records.enumerated() {
                if let failure = enqueue(record, batch: batch, index: index) {
                    batch.fail(index: index, error: failure)
                }
            }
        }
    }

    /// Hands one record to librdkafka; returns the error if it was refused synchronously
    /// (then no delivery report will come for it).
    private func enqueue(_ record: KafkaRecord, batch: DeliveryBatch, index: Int) -> KafkaError? {
        guard state.withLock({ $0 }) == .open else { return .closed }
        let headers = rd_kafka_headers_new(record.headers.count)
        for header in record.headers {
            header.value.withUnsafeBytes { value in
                _ = rd_kafka_header_add(headers, header.name, -1, value.baseAddress, value.count)
            }
        }
        let ticket = Unmanaged.passRetained(DeliveryTicket(batch: batch, index: index))
        let code = record.key.withUnsafeBytes { key in
            record.value.withUnsafeBytes { value in
                palisade_produce(
                    handle, record.topic,
                    key.baseAddress, key.count,
                    value.baseAddress, value.count,
                    headers, ticket.toOpaque()
                )
            }
        }
        guard code == RD_KAFKA_RESP_ERR_NO_ERROR else {
            ticket.release()
            rd_kafka_headers_destroy(headers)
            return .produce(topic: record.topic, reason: KafkaError.text(code))
        }
        return nil
    }

    /// Whether a broker answers a metadata request within `timeout`.
    public func checkReachable(timeout: Duration = .seconds(2)) async throws {
        guard state.withLock({ $0 }) == .open else { throw KafkaError.closed }
        try await Metadata.probe(handle: SendableHandle(handle), timeout: timeout)
    }

    /// Waits for the graceful-shutdown signal, then flushes and closes.
    public func run() async throws {
        try? await gracefulShutdown()
        await shutdown()
    }

    /// Flushes in-flight records (their senders get their reports), then destroys the client.
    public func shutdown(timeout: Duration = .seconds(30)) async {
        let wasOpen = state.withLock { state -> Bool in
            defer { state = .closed }
            return state == .open
        }
        guard wasOpen else { return }
        let handle = SendableHandle(self.handle)
        let pollThread = self.pollThread
        let milliseconds = timeout.milliseconds32
        let remaining = try? await BlockingCalls.run {
            let code = rd_kafka_flush(handle.pointer, milliseconds)
            pollThread.stop()
            let remaining = rd_kafka_outq_len(handle.pointer)
            rd_kafka_destroy(handle.pointer)
            return code == RD_KAFKA_RESP_ERR_NO_ERROR ? 0 : remaining
        }
        if let remaining, remaining > 0 {
            logger.error("kafka producer closed with undelivered records", metadata: ["count": "\(remaining)"])
        } else {
            logger.info("kafka producer flushed and closed")
        }
    }
}

/// A raw librdkafka handle carried into a blocking call.
struct SendableHandle: @unchecked Sendable {
    // @unchecked Sendable: librdkafka handles are thread-safe; the owner keeps them alive
    // for the duration of every call it hands them to.
    let pointer: OpaquePointer
    init(_ pointer: OpaquePointer) { self.pointer = pointer }
}

/// Collects the delivery reports of one `send` call and resumes its caller once.
private final class DeliveryBatch: Sendable {
    private struct Progress {
        var pending: Int
        var reports: [DeliveryReport?]
        var firstError: KafkaError?
        var continuation: CheckedContinuation<[DeliveryReport], any Error>?
    }

    private let progress: Mutex<Progress>

    init(count: Int, continuation: CheckedContinuation<[DeliveryReport], any Error>) {
        progress = Mutex(Progress(
            pending: count,
            reports: Array(repeating: nil, count: count),
            firstError: nil,
            continuation: continuation
        ))
    }

    func succeed(index: Int, report: DeliveryReport) {
        finish { $0.reports[index] = report }
    }

    func fail(index: Int, error: KafkaError) {
        finish { progress in
            if progress.firstError == nil { progress.firstError = error }
        }
    }

    private func finish(_ update: (inout Progress) -> Void) {
        let resume: (() -> Void)? = progress.withLock { progress in
            update(&progress)
            progress.pending -= 1
            guard progress.pending == 0, let continuation = progress.continuation else { return nil }
            progress.continuation = nil
            if let error = progress.firstError {
                return { continuation.resume(throwing: error) }
            }
            let reports = progress.reports.compactMap { $0 }
            return { continuation.resume(returning: reports) }
        }
        resume?()
    }
}

/// The per-message opaque: which batch and which slot a delivery report belongs to.
private final class DeliveryTicket {
    let batch: DeliveryBatch
    let index: Int
    init(batch: DeliveryBatch, index: Int) {
        self.batch = batch
        self.index = index
    }
}

/// Runs on the poll thread for every record, once.
private func deliveryReportCallback(
    _: OpaquePointer?, message: UnsafePointer<rd_kafka_message_t>?, _: UnsafeMutableRawPointer?
) {
    guard let message, let opaque = message.pointee._private else { return }
    let ticket = Unmanaged<DeliveryTicket>.fromOpaque(opaque).takeRetainedValue()
    let topic = message.pointee.rkt.map { String(cString: rd_kafka_topic_name($0)) } ?? "?"
    if message.pointee.err == RD_KAFKA_RESP_ERR_NO_ERROR {
        let report = DeliveryReport(topic: topic, partition: message.pointee.partition, offset: message.pointee.offset)
        ticket.batch.succeed(index: ticket.index, report: report)
    } else {
        ticket.batch.fail(index: ticket.index, error: .delivery(topic: topic, reason: KafkaError.text(message.pointee.err)))
    }
}

/// A thread that serves a producer's callbacks with `rd_kafka_poll` until stopped.
final class PollThread: Sendable {
    private let stopped = Atomic<Bool>(false)
    private let finished = DispatchSemaphore(value: 0)

    init(name: String, handle: OpaquePointer) {
        let handle = SendableHandle(handle)
        let thread = Thread { [self] in
            while !self.stopped.load(ordering: .acquiring) {
                rd_kafka_poll(handle.pointer, 100)
            }
            self.finished.signal()
        }
        thread.name = name
        thread.start()
    }

    /// Blocks until the thread has left its loop; call it at most once.
    func stop() {
        if stopped.exchange(true, ordering: .acquiringAndReleasing) == false {
            finished.wait()
        }
    }
}

/// A metadata round trip proves a broker answers.
enum Metadata {
    static func probe(handle: SendableHandle, timeout: Duration) async throws {
        let milliseconds = timeout.milliseconds32
        try await BlockingCalls.run {
            var metadata: UnsafePointer<rd_kafka_metadata>?
            let code = rd_kafka_metadata(handle.pointer, 0, nil, &metadata, milliseconds)
            if let metadata { rd_kafka_metadata_destroy(metadata) }
            guard code == RD_KAFKA_RESP_ERR_NO_ERROR else {
                throw KafkaError.unreachable(reason: KafkaError.text(code))
            }
        }
    }
}

extension Duration {
    /// The whole milliseconds librdkafka's timeouts take.
    var milliseconds32: Int32 {
        let (seconds, attoseconds) = components
        return Int32(clamping: seconds * 1000 + attoseconds / 1_000_000_000_000_000)
    }
}
