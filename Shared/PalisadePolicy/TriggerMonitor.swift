import Foundation
import Synchronization

/// A trigger that started to hold on a route.
public struct TriggerFiring: Sendable {
    public var packID: String
    public var packVersion: String
    public var trigger: PackTrigger
    public var routeID: String
    /// The window's value, and (for drift) the trailing day's.
    public var value: Double
    public var baseline: Double?
    public var events: Int
    /// The minute (since 1970) whose event tipped it: with the trigger and route, an id that a
    /// redelivered event reproduces.
    public var minute: Int64
    /// The trigger's pack is in shadow mode: the firing is recorded, never acted on.
    public var isShadow: Bool
    /// Which of the batch's events tipped it.
    public var eventIndex: Int
}

/// A runtime event as the trigger windows count it.
public struct TriggerEvent: Sendable {
    public var route: String
    public var date: Date
    public var latencyMs: Int64
    public var isError: Bool
    public var cost: Double
    /// Where it lies in the runtime topic; nil for events that come from nowhere replayable.
    public var position: StreamPosition?
    /// The high watermark of its partition when it was read (`KafkaMessage.highWatermark`):
    /// how a checkpoint counted in a log since replaced is told from a redelivery.
    public var partitionEnd: Int64?

    public init(route: String, date: Date, latencyMs: Int64, isError: Bool, cost: Double, position: StreamPosition? = nil,
                partitionEnd: Int64? = nil) {
        self.route = route
        self.date = date
        self.latencyMs = latencyMs
        self.isError = isError
        self.cost = cost
        self.position = position
        self.partitionEnd = partitionEnd
    }
}

/// What a batch of one tenant's events would do: the routes' states after it and the triggers
/// it fires. The monitor changes only when it is applied, once the firings are durable, so a
/// batch that fails half-way and is handled again counts its events once.
public struct TriggerUpdate: Sendable {
    public let tenant: String
    fileprivate let states: [String: TriggerRouteState]
    public let firings: [TriggerFiring]
    /// Routes whose checkpoint had counted in a log the runtime topic no longer has: they
    /// count on from this batch in a new log generation.
    public let replacedLogRoutes: [String]
}

/// Runtime events → each route's activity → the triggers of the tenant's active packs (enforced
/// or shadow) that apply to the route. A trigger fires when its condition starts to hold (with
/// at least `min_events` in the window) and again only after it has stopped holding, so a slow
/// hour is one result, not one per event.
///
/// State lives in memory and is checkpointed: `changedStates` hands out what changed since the
/// last checkpoint, `load` takes back what a checkpoint saved. The consumer that owns a
/// tenant's partition owns its routes; a route must be loaded (or known to have no
/// checkpoint) before its events are evaluated. A route whose state is saved and that has had
/// no event for a while can be evicted (`evict`): it loads again with its next event, so
/// memory holds the routes in use, not every route a tenant ever had.
public final class TriggerMonitor: Sendable {
    public struct RouteKey: Hashable, Sendable {
        public var tenant: String
        public var route: String

        public init(tenant: String, route: String) {
            self.tenant = tenant
            self.route = route
        }
    }

    /// A route's state and when an event last reached it (or it was loaded).
    private struct Held: Sendable {
        var state: TriggerRouteState
        var touched: ContinuousClock.Instant
    }

    private struct State: Sendable {
        var routes: [RouteKey: Held] = [:]
        /// Routes changed since their last checkpoint.
        var changed: Set<RouteKey> = []
    }

    private let state = Mutex(State())

    public init() {}

    /// The routes among `routes` of `tenant` whose state is not in memory yet.
    public func unloaded(tenant: String, routes: Set<String>) -> [String] {
        state.withLock { state in routes.filter { state.routes[RouteKey(tenant: tenant, route: $0)] == nil }.sorted() }
    }

    /// Takes in the checkpointed states of `tenant`'s `routes`; a route without one starts empty.
    /// A route already in memory keeps what it has.
    public func load(tenant: String, routes: [String], checkpoints: [String: TriggerRouteState]) {
        let now = ContinuousClock.now
        state.withLock { state in
            for route in routes {
                let key = RouteKey(tenant: tenant, route: route)
                if state.routes[key] == nil { state.routes[key] = Held(state: checkpoints[route] ?? TriggerRouteState(), touched: now) }
            }
        }
    }

    /// Evaluates `events` (one tenant's, in topic order) without changing the monitor.
    public func evaluate(tenant: String, events: [TriggerEvent], packs: ActivePackSet) -> TriggerUpdate {
        var states: [String: TriggerRouteState] = [:]
        // Only routes that counted an event go into the update: a pure redelivery changes nothing.
        var counted: Set<String> = []
        var firings: [TriggerFiring] = []
        state.withLock { state in
            for event in events where states[event.route] == nil {
                states[event.route] = state.routes[RouteKey(tenant: tenant, route: event.route)]?.state ?? TriggerRouteState()
            }
        }
        var replacedLog: [String] = []
        for (index, event) in events.enumerated() {
            // Changed in place: a route's windows are copied once a batch, not once an event.
            switch states[event.route, default: TriggerRouteState()].admit(event.position, partitionEnd: event.partitionEnd) {
            case .redelivery: continue
            case .newLog: replacedLog.append(event.route)
            case .new: break
            }
            firings += Self.count(event, eventIndex: index, on: &states[event.route, default: TriggerRouteState()], packs: packs)
            counted.insert(event.route)
        }
        return TriggerUpdate(tenant: tenant, states: states.filter { counted.contains($0.key) }, firings: firings, replacedLogRoutes: replacedLog)
    }

    /// Makes `update` the routes' state.
    public func apply(_ update: TriggerUpdate) {
        let now = ContinuousClock.now
        state.withLock { state in
            for (route, routeState) in update.states {
                let key = RouteKey(tenant: update.tenant, route: route)
                state.routes[key] = Held(state: routeState, touched: now)
                state.changed.insert(key)
            }
        }
    }

    /// The states changed since the last call, now counted as checkpointed; hand them back to
    /// `unsaved` when saving them failed.
    public func changedStates() -> [(RouteKey, TriggerRouteState)] {
        state.withLock { state in
            defer { state.changed.removeAll() }
            return state.changed.compactMap { key in state.routes[key].map { (key, $0.state) } }
        }
    }

    /// Marks `keys` changed again (their checkpoint failed).
    public func unsaved(_ keys: [RouteKey]) {
        state.withLock { state in
            for key in keys where state.routes[key] != nil { state.changed.insert(key) }
        }
    }

    /// Drops the routes that are saved (not changed since the last checkpoint) and have had no
    /// event since `cutoff`; they load from their checkpoints again when an event arrives.
    /// Returns how many were dropped.
    @discardableResult
    public func evict(idleSince cutoff: ContinuousClock.Instant) -> Int {
        state.withLock { state in
            let idle = state.routes.filter { key, held in held.touched < cutoff && !state.changed.contains(key) }.keys
            for key in idle { state.routes[key] = nil }
            return idle.count
        }
    }

    /// How many routes' states are in memory.
    public var routeCount: Int {
        state.withLock { $0.routes.count }
    }

    /// Drops every route's state: the partitions may have moved, and routes load again from
    /// their checkpoints when their events next arrive.
    public func forget() {
        state.withLock { state in state = State() }
    }

    /// Counts `event` on `route` and returns the triggers that start to hold after it.
    private static func count(_ event: TriggerEvent, eventIndex: Int, on route: inout TriggerRouteState, packs: ActivePackSet) -> [TriggerFiring] {
        route.activity.record(at: event.date, latencyMs: event.latencyMs, isError: event.isError, cost: event.cost)
        if let position = event.position { route.counted(position) }
        return fired(&route, routeID: event.route, packs: packs, eventIndex: eventIndex)
    }

    /// The triggers that start to hold on `route` after its newest event, the batch's `eventIndex`th.
    private static func fired(_ route: inout TriggerRouteState, routeID: String, packs: ActivePackSet, eventIndex: Int) -> [TriggerFiring] {
        var fired: [TriggerFiring] = []
        let activity = route.activity
        for pack in packs.packs where !pack.compiled.pack.triggers.isEmpty && pack.applies(to: routeID) {
            for trigger in pack.compiled.pack.triggers {
                let key = TriggerRouteState.Firing(pack: pack.packID, trigger: trigger.triggerID)
                let (value, events) = activity.value(trigger.metric, minutes: trigger.windowSeconds / 60)
                var baseline: Double?
                var holds = false
                if events >= trigger.minimumEvents {
                    switch trigger.condition {
                    case .threshold(let comparison, let threshold):
                        holds = comparison.holds(value, threshold)
                    case .drift(let ratio):
                        baseline = activity.trailingDay(trigger.metric, windowMinutes: trigger.windowSeconds / 60)
                        if let baseline, baseline > 0 { holds = value >= baseline * ratio }
                    }
                }
                if holds {
                    if route.firing.insert(key).inserted {
                        fired.append(TriggerFiring(packID: pack.packID, packVersion: pack.version, trigger: trigger, routeID: routeID,
                                                   value: value, baseline: baseline, events: events, minute: activity.latestMinute,
                                                   isShadow: pack.mode == .shadow, eventIndex: eventIndex))
                    }
                } else {
                    route.firing.remove(key)
                }
            }
        }
        return fired
    }
}
