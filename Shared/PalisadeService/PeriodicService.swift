import Logging
import ServiceLifecycle

/// Runs `tick` every `interval` until graceful shutdown. A failed tick is logged and the next
/// one runs on schedule: periodic work (relays, rotations, pollers) must outlive a bad moment.
public struct PeriodicService: Service {
    public typealias Tick = @Sendable () async throws -> Void
    let name: String
    let interval: Duration
    let logger: Logger
    let tick: Tick

    public init(name: String, interval: Duration, logger: Logger, tick: @escaping Tick) {
        self.name = name
        self.interval = interval
        self.logger = logger
        self.tick = tick
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await tick()
                } catch where !Task.isCancelled {
                    logger.error("\(name) failed; next attempt in \(interval)", metadata: ["error": "\(String(reflecting: error))"])
                } catch {
                    return
                }
                try? await Task.sleep(for: interval)
            }
        }
    }
}
