import Synchronization

/// What a service adds to `/readyz` besides the database and Kafka: each check names a
/// condition the service needs before it should get traffic (a gateway that has not yet read
/// the policy packs, say).
public final class ReadinessChecks: Sendable {
    private let checks = Mutex<[(name: String, isReady: @Sendable () -> Bool)]>([])

    public init() {}

    public func add(_ name: String, _ isReady: @escaping @Sendable () -> Bool) {
        checks.withLock { $0.append((name, isReady)) }
    }

    var results: [(name: String, ready: Bool)] {
        checks.withLock { $0 }.map { ($0.name, $0.isReady()) }
    }
}
