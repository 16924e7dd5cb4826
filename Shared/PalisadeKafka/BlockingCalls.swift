import NIOPosix

/// librdkafka's blocking calls (poll, flush, close, metadata) run here: never on NIO event
/// loops and never on the two-thread Swift concurrency pool of a small machine.
enum BlockingCalls {
    /// Sized for a handful of consumers each holding a thread during a short poll.
    static let pool: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: 6)
        pool.start()
        return pool
    }()

    static func run<Result: Sendable>(_ body: @escaping @Sendable () throws -> Result) async throws -> Result {
        try await pool.runIfActive(body)
    }
}
