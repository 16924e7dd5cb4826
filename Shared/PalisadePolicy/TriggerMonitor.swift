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
}

/// Runtime events → each route's activity → the triggers of the tenant's active packs (enforced
/// or shadow) that apply to the route. A trigger fires when its condition starts to hold (with at least
/// `min_events` in the window) and again only after it has stopped holding, so a slow hour is
/// one result, not one per event. State lives in memory: the consumer that owns a tenant's
/// partition owns its routes, and after a restart windows refill from new events.
public final class TriggerMonitor: Sendable {
    struct RouteKey: Hashable, Sendable {
        var tenant: String
        var route: String
    }

    struct FiringKey: Hashable, Sendable {
        var route: RouteKey
        var pack: String
        var trigger: String
    }

    private struct State: Sendable {
        var routes: [RouteKey: RouteActivity] = [:]
        var firing: Set<FiringKey> = []
    }

    private let state = Mutex(State())

    public init() {}

    public func observe(tenant: String, route: String, at date: Date, latencyMs: Int64, isError: Bool, cost: Double,
                        packs: ActivePackSet) -> [TriggerFiring] {
        let key = RouteKey(tenant: tenant, route: route)
        return state.withLock { state in
            state.routes[key, default: RouteActivity()].record(at: date, latencyMs: latencyMs, isError: isError, cost: cost)
            guard let activity = state.routes[key] else { return [] }
            var fired: [TriggerFiring] = []
            for pack in packs.packs where !pack.compiled.pack.triggers.isEmpty && pack.applies(to: route) {
                for trigger in pack.compiled.pack.triggers {
                    let firingKey = FiringKey(route: key, pack: pack.packID, trigger: trigger.triggerID)
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
                        if state.firing.insert(firingKey).inserted {
                            fired.append(TriggerFiring(packID: pack.packID, packVersion: pack.version, trigger: trigger, routeID: route,
                                                       value: value, baseline: baseline, events: events, minute: activity.latestMinute,
                                                       isShadow: pack.mode == .shadow))
                        }
                    } else {
                        state.firing.remove(firingKey)
                    }
                }
            }
            return fired
        }
    }
}
