import Synchronization

/// A bounded map whose entries expire `lifetime` after they were stored. Used for what the
/// edge looks up on every request (API key credentials, minted platform tokens, tenant limits).
///
/// `value(for:orLoad:)` loads a missing key once however many requests miss it together, so an
/// entry expiring under load (or a slow database) costs one lookup, not one per request
/// waiting; a key removed while it loads is not stored from that load, so a revocation seen
/// here is never undone by a lookup that started before it.
public final class ExpiringCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private struct Entry {
        var value: Value
        var expires: ContinuousClock.Instant
    }

    /// A load in progress; `id` tells it from a later one of the same key.
    private struct Flight {
        var id: UInt64
        var task: Task<Value, any Error>
    }

    /// What a caller of `value(for:orLoad:)` found: the value, another's load, or its own.
    private enum Lookup {
        case hit(Value)
        case join(Task<Value, any Error>)
        case lead(UInt64, Task<Value, any Error>)
    }

    private struct State {
        var entries: [Key: Entry] = [:]
        var flights: [Key: Flight] = [:]
        var lastFlight: UInt64 = 0
    }

    public let lifetime: Duration
    private let capacity: Int
    private let state = Mutex(State())

    public init(lifetime: Duration, capacity: Int = 100_000) {
        self.lifetime = lifetime
        self.capacity = capacity
    }

    /// The live value for `key`, or nil on a miss.
    public func value(for key: Key, now: ContinuousClock.Instant = .now) -> Value? {
        state.withLock { state in Self.live(key, in: &state, now: now) }
    }

    /// The live value for `key`, or what `load` returns, stored. Callers that miss while a load
    /// of the key is running wait for it instead of starting their own; a failed load stores
    /// nothing and every caller waiting on it gets its error.
    public func value(for key: Key, lifetime: Duration? = nil, orLoad load: @escaping @Sendable () async throws -> Value) async throws -> Value {
        let lookup: Lookup = state.withLock { state in
            if let value = Self.live(key, in: &state, now: .now) { return .hit(value) }
            if let flight = state.flights[key] { return .join(flight.task) }
            state.lastFlight += 1
            // Unstructured so that it finishes for the others even if the caller that started it goes away.
            let task = Task { try await load() }
            state.flights[key] = Flight(id: state.lastFlight, task: task)
            return .lead(state.lastFlight, task)
        }
        switch lookup {
        case .hit(let value):
            return value
        case .join(let task):
            return try await task.value
        case .lead(let id, let task):
            let result = await task.result
            state.withLock { state in
                // Removed while loading: the answer goes to the callers waiting, and no further.
                guard state.flights[key]?.id == id else { return }
                state.flights[key] = nil
                if case .success(let value) = result { store(value, for: key, lifetime: lifetime, in: &state, now: .now) }
            }
            return try result.get()
        }
    }

    public func store(_ value: Value, for key: Key, lifetime: Duration? = nil, now: ContinuousClock.Instant = .now) {
        state.withLock { state in store(value, for: key, lifetime: lifetime, in: &state, now: now) }
    }

    public func remove(_ key: Key) {
        state.withLock { state in
            state.entries[key] = nil
            state.flights[key] = nil
        }
    }

    public func removeAll(where shouldRemove: (Key, Value) -> Bool) {
        state.withLock { state in
            state.entries = state.entries.filter { !shouldRemove($0.key, $0.value.value) }
            // A load in progress may be of something now removed, and its value is not known yet.
            state.flights.removeAll()
        }
    }

    private static func live(_ key: Key, in state: inout State, now: ContinuousClock.Instant) -> Value? {
        guard let entry = state.entries[key] else { return nil }
        guard entry.expires > now else {
            state.entries[key] = nil
            return nil
        }
        return entry.value
    }

    private func store(_ value: Value, for key: Key, lifetime: Duration?, in state: inout State, now: ContinuousClock.Instant) {
        if state.entries.count >= capacity {
            state.entries = state.entries.filter { $0.value.expires > now }
            // Still full of live entries: start over rather than grow without bound.
            if state.entries.count >= capacity { state.entries.removeAll(keepingCapacity: true) }
        }
        state.entries[key] = Entry(value: value, expires: now + (lifetime ?? self.lifetime))
    }
}
