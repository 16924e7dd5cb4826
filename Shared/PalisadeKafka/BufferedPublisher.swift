import Logging
import Metrics
import ServiceLifecycle
import Synchronization

/// Sends records off the request path: a caller only appends to a bounded buffer; this service
/// drains it in batches and retries what the broker refused. On shutdown the buffer is drained
/// before the producer closes. When the buffer is full (a long broker outage) the newest
/// records are dropped and counted.
///
/// For facts a request may lose in a crash (decisions answered in memory); changes that must
/// never be lost go through a `TransactionalOutbox` instead.
public final class BufferedPublisher: Service, Sendable {
    private let producer: KafkaProducer
    private let logger: Logger
    private let capacity: Int
    /// Groups of records enqueued together, published together.
    private let buffer = Mutex<[[KafkaRecord]]>([])
    private let wakeups: AsyncStream<Void>
    private let wake: AsyncStream<Void>.Continuation
    private let dropped: Counter
    private let published: Counter

    /// `metric` names the counters `<metric>_published_total` and `<metric>_dropped_total`.
    public init(producer: KafkaProducer, metric: String, logger: Logger, capacity: Int = 50_000) {
        self.producer = producer
        self.logger = logger
        self.capacity = capacity
        dropped = Counter(label: "\(metric)_dropped_total")
        published = Counter(label: "\(metric)_published_total")
        (wakeups, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Queues records published together; never waits.
    public func enqueue(_ records: [KafkaRecord]) {
        guard !records.isEmpty else { return }
        let accepted = buffer.withLock { buffer -> Bool in
            guard buffer.count < capacity else { return false }
            buffer.append(records)
            return true
        }
        if accepted { wake.yield() } else { dropped.increment() }
    }

    public func run() async throws {
        await withGracefulShutdownHandler {
            for await _ in wakeups { await drain() }
        } onGracefulShutdown: {
            self.wake.finish()
        }
        await drain()
    }

    /// Publishes everything buffered, up to 500 groups per produce call.
    private func drain() async {
        while true {
            let batch = buffer.withLock { buffer -> [[KafkaRecord]] in
                let taken = Array(buffer.prefix(500))
                buffer.removeFirst(taken.count)
                return taken
            }
            guard !batch.isEmpty else { return }
            await publish(batch)
        }
    }

    private func publish(_ batch: [[KafkaRecord]]) async {
        let records = batch.flatMap { $0 }
        var delay = Duration.milliseconds(100)
        for attempt in 1...8 {
            do {
                _ = try await producer.send(records)
                published.increment(by: batch.count)
                return
            } catch {
                logger.warning("records not published yet", metadata: ["count": "\(batch.count)", "attempt": "\(attempt)", "error": "\(error)"])
                try? await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(5))
            }
        }
        logger.error("records dropped after retries", metadata: ["count": "\(batch.count)"])
        dropped.increment(by: batch.count)
    }
}
