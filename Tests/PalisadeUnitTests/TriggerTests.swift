import Foundation
@testable import PalisadePolicy
import Testing

/// SLA and risk triggers: how packs spell them, what the windows measure, and when they fire.
@Suite struct TriggerTests {
    static let start = Date(timeIntervalSince1970: 1_796_000_000 - 1_796_000_000.truncatingRemainder(dividingBy: 3600))

    static func pack(_ triggers: String, scope: String = "tenant") throws -> CompiledPack {
        try CompiledPack(try PackReader.read("""
            id: sla
            version: 1.0.0
            default_action: allow
            scope: \(scope)
            triggers:
            \(triggers)
            """))
    }

    @Test func triggersAreReadAndSignedWithThePack() throws {
        let compiled = try Self.pack("""
              - {trigger_id: slow, metric: p95_latency_ms, window_seconds: 300, gt: 2000, min_events: 20, severity: high, action: alert}
              - {trigger_id: spend, metric: cost_per_hour, window_seconds: 3600, drift: 1.5}
            """)
        let triggers = compiled.pack.triggers
        #expect(triggers.map(\.triggerID) == ["slow", "spend"])
        #expect(triggers[0].condition == .threshold(.gt, 2000))
        #expect(triggers[0].conditionText == "p95_latency_ms over 300 s gt 2000")
        #expect(triggers[1].condition == .drift(ratio: 1.5))
        #expect(triggers[1].minimumEvents == 10)
        // The canonical JSON carries them, so a signature covers them and JSON reads back alike.
        let again = try PackReader.read(compiled.pack.canonicalJSON.text)
        #expect(again == compiled.pack)
        #expect(compiled.pack.canonicalJSON.text.contains("\"triggers\""))
        // A pack without triggers keeps the bytes it had before triggers existed.
        #expect(!(try PackReader.read("id: p\nversion: 1.0.0\n").canonicalJSON.text.contains("triggers")))
    }

    @Test(arguments: [
        ("- {trigger_id: t, metric: p99, window_seconds: 60, gt: 1}", "triggers[0].metric"),
        ("- {trigger_id: t, metric: error_rate, window_seconds: 90, gt: 0.1}", "triggers[0].window_seconds"),
        ("- {trigger_id: t, metric: error_rate, window_seconds: 60}", "triggers[0]"),
        ("- {trigger_id: t, metric: error_rate, window_seconds: 60, gt: 0.1, lt: 0.5}", "triggers[0]"),
        ("- {trigger_id: t, metric: error_rate, window_seconds: 60, drift: -1}", "triggers[0].drift"),
        ("- {trigger_id: t, metric: error_rate, window_seconds: 60, gt: x}", "triggers[0].gt"),
        ("- {trigger_id: t, metric: error_rate, window_seconds: 60, gt: 1, action: page}", "triggers[0].action"),
    ])
    func badTriggersNameTheirField(_ trigger: String, _ path: String) throws {
        do {
            _ = try Self.pack("  " + trigger)
            Issue.record("accepted \(trigger)")
        } catch let error as PackProblems {
            #expect(error.problems.contains { $0.path == path && $0.line == 6 }, "\(error.problems)")
        }
    }

    @Test func windowsMeasureP95ErrorRateAndCostPerHour() {
        var activity = RouteActivity()
        for index in 0..<100 {
            activity.record(at: Self.start.addingTimeInterval(Double(index % 60)), latencyMs: index < 94 ? 100 : 5000,
                            isError: index % 4 == 0, cost: 0.5)
        }
        let p95 = activity.value(.p95LatencyMs, minutes: 1)
        #expect(p95.events == 100)
        #expect(abs(p95.value - 5000) / 5000 < 0.04, "\(p95.value)")
        #expect(activity.value(.errorRate, minutes: 1).value == 0.25)
        // 50 spent in one minute is 3000 an hour.
        #expect(abs(activity.value(.costPerHour, minutes: 1).value - 3000) < 0.001)
        // Below the 95th rank, p95 is the common latency.
        var quick = RouteActivity()
        for index in 0..<100 { quick.record(at: Self.start, latencyMs: index < 96 ? 100 : 5000, isError: false, cost: 0) }
        #expect(abs(quick.value(.p95LatencyMs, minutes: 1).value - 100) / 100 < 0.04)
    }

    @Test func aTriggerFiresWhenItStartsToHoldAndAgainOnlyAfterItStopped() throws {
        let compiled = try Self.pack("  - {trigger_id: slow, metric: p95_latency_ms, window_seconds: 60, gt: 1000, min_events: 5}")
        let set = ActivePackSet(revision: 1, packs: [LoadedPack(compiled, mode: .enforce)])
        let monitor = TriggerMonitor()
        func feed(minute: Int, count: Int, latency: Int64) -> Int {
            (0..<count).reduce(0) { fired, index in
                fired + monitor.observe(tenant: "t", route: "chat", at: Self.start.addingTimeInterval(Double(minute * 60 + index)),
                                        latencyMs: latency, isError: false, cost: 0, packs: set).count
            }
        }
        #expect(feed(minute: 0, count: 4, latency: 3000) == 0, "fewer than min_events decide nothing")
        #expect(feed(minute: 0, count: 5, latency: 3000) == 1)
        #expect(feed(minute: 1, count: 6, latency: 100) == 0)
        #expect(feed(minute: 2, count: 6, latency: 3000) == 1)
        // Another route has windows of its own.
        #expect(monitor.observe(tenant: "t", route: "batch", at: Self.start, latencyMs: 3000, isError: false, cost: 0, packs: set).isEmpty)
        // A shadow pack's trigger fires the same way, marked as shadow.
        let shadow = ActivePackSet(revision: 2, packs: [LoadedPack(compiled, mode: .shadow)])
        let shadowFirings = (0..<10).flatMap { _ in
            monitor.observe(tenant: "u", route: "chat", at: Self.start, latencyMs: 9000, isError: false, cost: 0, packs: shadow)
        }
        #expect(shadowFirings.count == 1)
        #expect(shadowFirings.allSatisfy { $0.isShadow })
    }

    @Test func driftComparesTheWindowWithTheTrailingDay() throws {
        let compiled = try Self.pack("  - {trigger_id: spend, metric: cost_per_hour, window_seconds: 60, drift: 2, min_events: 1}")
        let set = ActivePackSet(revision: 1, packs: [LoadedPack(compiled, mode: .enforce)])
        let monitor = TriggerMonitor()
        // Two hours spending 1.0 an hour, evenly: the first has no day to drift from, the second
        // spends as that day did.
        var fired = 0
        for hour in 0..<2 {
            for minute in 0..<60 {
                fired += monitor.observe(tenant: "t", route: "chat", at: Self.start.addingTimeInterval(Double(hour * 3600 + minute * 60)),
                                         latencyMs: 10, isError: false, cost: 1.0 / 60, packs: set).count
            }
        }
        #expect(fired == 0)
        // 0.1 in one minute is 6 an hour: six times the trailing day.
        let spike = monitor.observe(tenant: "t", route: "chat", at: Self.start.addingTimeInterval(3 * 3600), latencyMs: 10, isError: false,
                                    cost: 0.1, packs: set)
        #expect(spike.count == 1)
        #expect(abs((spike.first?.baseline ?? 0) - 1.0) < 0.001)
        #expect(abs((spike.first?.value ?? 0) - 6.0) < 0.001)
    }

    static func slowPack() throws -> ActivePackSet {
        let compiled = try pack("  - {trigger_id: slow, metric: p95_latency_ms, window_seconds: 60, gt: 1000, min_events: 5}")
        return ActivePackSet(revision: 1, packs: [LoadedPack(compiled, mode: .enforce)])
    }

    /// Slow events on route "chat", the `n`th at offset `n` of partition 3.
    static func slowEvents(_ offsets: Range<Int64>) -> [TriggerEvent] {
        offsets.map { offset in
            TriggerEvent(route: "chat", date: start.addingTimeInterval(Double(offset)), latencyMs: 3000, isError: false, cost: 0.25,
                         position: StreamPosition(partition: 3, offset: offset))
        }
    }

    @Test func aBatchHandledAgainCountsItsEventsOnce() throws {
        let set = try Self.slowPack()
        let monitor = TriggerMonitor()
        // Evaluated but never applied (its results failed to reach the broker): handling it
        // again fires the same way.
        let failed = monitor.evaluate(tenant: "t", events: Self.slowEvents(0..<5), packs: set)
        #expect(failed.firings.count == 1)
        let retried = monitor.evaluate(tenant: "t", events: Self.slowEvents(0..<5), packs: set)
        #expect(retried.firings.map(\.events) == [5])
        #expect(retried.firings.map(\.eventIndex) == [4], "the fifth event tipped it")
        monitor.apply(retried)
        #expect(monitor.changedStates().count == 1)
        // Redelivered after it was applied (a crash before the commit): nothing is counted
        // twice, nothing fires again, nothing is left to checkpoint.
        let redelivered = monitor.evaluate(tenant: "t", events: Self.slowEvents(2..<5), packs: set)
        #expect(redelivered.firings.isEmpty)
        monitor.apply(redelivered)
        #expect(monitor.changedStates().isEmpty)
        // The next new event is counted.
        let next = monitor.evaluate(tenant: "t", events: Self.slowEvents(5..<6), packs: set)
        monitor.apply(next)
        let saved = monitor.changedStates()
        #expect(saved.first?.1.activity.value(.p95LatencyMs, minutes: 1).events == 6)
    }

    @Test func aMonitorLoadedFromACheckpointContinuesItsWindows() throws {
        let set = try Self.slowPack()
        let first = TriggerMonitor()
        first.apply(first.evaluate(tenant: "t", events: Self.slowEvents(0..<4), packs: set))
        let checkpoint = try #require(first.changedStates().first)
        #expect(checkpoint.0 == TriggerMonitor.RouteKey(tenant: "t", route: "chat"))
        let bytes = checkpoint.1.snapshot

        // Another instance (or this one restarted) loads it, is redelivered what came after
        // the checkpoint and some of what came before, and fires at the fifth event as the
        // first instance would have.
        let second = TriggerMonitor()
        #expect(second.unloaded(tenant: "t", routes: ["chat", "batch"]) == ["batch", "chat"])
        second.load(tenant: "t", routes: ["chat", "batch"], checkpoints: ["chat": try TriggerRouteState(snapshot: bytes)])
        #expect(second.unloaded(tenant: "t", routes: ["chat", "batch"]).isEmpty)
        let update = second.evaluate(tenant: "t", events: Self.slowEvents(2..<5), packs: set)
        #expect(update.firings.map(\.events) == [5])
        second.apply(update)
        // A trigger holding when checkpointed does not fire again after a restart.
        let third = TriggerMonitor()
        let state = try #require(second.changedStates().first?.1)
        third.load(tenant: "t", routes: ["chat"], checkpoints: ["chat": try TriggerRouteState(snapshot: state.snapshot)])
        #expect(third.evaluate(tenant: "t", events: Self.slowEvents(5..<8), packs: set).firings.isEmpty)
        // Forgetting drops it all: the route loads again.
        third.forget()
        #expect(third.unloaded(tenant: "t", routes: ["chat"]) == ["chat"])
    }

    @Test func onlySavedIdleRoutesLeaveMemory() throws {
        let set = try Self.slowPack()
        let monitor = TriggerMonitor()
        monitor.apply(monitor.evaluate(tenant: "t", events: Self.slowEvents(0..<4), packs: set))
        // Not saved yet: nothing goes, however idle.
        #expect(monitor.evict(idleSince: .now + .seconds(3600)) == 0)
        let saved = monitor.changedStates()
        #expect(saved.count == 1)
        // Saved but used since the cutoff: it stays.
        #expect(monitor.evict(idleSince: .now - .seconds(3600)) == 0)
        #expect(monitor.routeCount == 1)
        // Saved and idle: it goes, and loads again with its next event.
        #expect(monitor.evict(idleSince: .now + .seconds(1)) == 1)
        #expect(monitor.routeCount == 0)
        #expect(monitor.unloaded(tenant: "t", routes: ["chat"]) == ["chat"])
        monitor.load(tenant: "t", routes: ["chat"], checkpoints: ["chat": try TriggerRouteState(snapshot: try #require(saved.first).1.snapshot)])
        #expect(monitor.evaluate(tenant: "t", events: Self.slowEvents(2..<5), packs: set).firings.map(\.events) == [5])
        // A save that failed hands its routes back as changed: they stay until saved.
        monitor.apply(monitor.evaluate(tenant: "t", events: Self.slowEvents(4..<6), packs: set))
        monitor.unsaved(monitor.changedStates().map(\.0))
        #expect(monitor.evict(idleSince: .now + .seconds(1)) == 0)
        #expect(monitor.changedStates().count == 1)
    }

    @Test func whatAPartitionLeftBehindRedeliversIsNotCountedAgain() throws {
        let set = try Self.slowPack()
        func events(partition: Int32, _ offsets: Range<Int64>) -> [TriggerEvent] {
            offsets.map { offset in
                TriggerEvent(route: "chat", date: Self.start, latencyMs: 3000, isError: false, cost: 0,
                             position: StreamPosition(partition: partition, offset: offset))
            }
        }
        let monitor = TriggerMonitor()
        monitor.apply(monitor.evaluate(tenant: "t", events: events(partition: 2, 100..<103), packs: set))
        // The topic grew partitions and the tenant's events now come from partition 9...
        monitor.apply(monitor.evaluate(tenant: "t", events: events(partition: 9, 0..<1), packs: set))
        // ...while partition 2 redelivers what it had not committed: counted already.
        let redelivered = monitor.evaluate(tenant: "t", events: events(partition: 2, 101..<103), packs: set)
        #expect(redelivered.firings.isEmpty)
        monitor.apply(redelivered)
        let state = try #require(monitor.changedStates().first?.1)
        #expect(state.activity.value(.p95LatencyMs, minutes: 60).events == 4)
        #expect(state.position == StreamPosition(partition: 9, offset: 0))
        // What the checkpoint table compares a save with: every partition's newest offset.
        #expect(state.newestOffsetsJSON == #"{"2":102,"9":0}"#)
        #expect(TriggerRouteState().newestOffsetsJSON == "{}")
        // A checkpoint keeps every partition's newest offset.
        let reloaded = TriggerMonitor()
        reloaded.load(tenant: "t", routes: ["chat"], checkpoints: ["chat": try TriggerRouteState(snapshot: state.snapshot)])
        let again = reloaded.evaluate(tenant: "t", events: events(partition: 2, 100..<103) + events(partition: 9, 0..<2), packs: set)
        #expect(again.firings.map(\.events) == [5], "only partition 9's offset 1 is new")
        // A checkpoint of format 1 knew one partition: its position.
        var formatOne: [UInt8] = [1]
        withUnsafeBytes(of: Int64(0).littleEndian) { formatOne += $0 }
        withUnsafeBytes(of: Int32(2).littleEndian) { formatOne += $0 }
        withUnsafeBytes(of: Int64(102).littleEndian) { formatOne += $0 }
        formatOne += [0, 0, 0, 0]
        let old = try TriggerRouteState(snapshot: formatOne)
        #expect(old.position == StreamPosition(partition: 2, offset: 102))
        #expect(old.counts(StreamPosition(partition: 2, offset: 102)) && !old.counts(StreamPosition(partition: 2, offset: 103)))
    }

    @Test func aCheckpointCountedInAReplacedLogCountsOnInANewGeneration() throws {
        let set = try Self.slowPack()
        func events(_ offsets: Range<Int64>, partitionEnd: Int64?) -> [TriggerEvent] {
            offsets.map { offset in
                TriggerEvent(route: "chat", date: Self.start, latencyMs: 3000, isError: false, cost: 0,
                             position: StreamPosition(partition: 4, offset: offset), partitionEnd: partitionEnd)
            }
        }
        let first = TriggerMonitor()
        first.apply(first.evaluate(tenant: "t", events: events(5000..<5004, partitionEnd: 5004), packs: set))
        let checkpoint = try #require(first.changedStates().first?.1)
        #expect(checkpoint.logGeneration == 0)
        let monitor = TriggerMonitor()
        monitor.load(tenant: "t", routes: ["chat"], checkpoints: ["chat": try TriggerRouteState(snapshot: checkpoint.snapshot)])
        // A redelivery: the partition's log goes on past what was counted.
        let redelivered = monitor.evaluate(tenant: "t", events: events(5002..<5004, partitionEnd: 5010), packs: set)
        #expect(redelivered.firings.isEmpty && redelivered.replacedLogRoutes.isEmpty)
        // With no watermark known, nothing tells a replaced log: a redelivery too.
        #expect(monitor.evaluate(tenant: "t", events: events(2..<3, partitionEnd: nil), packs: set).replacedLogRoutes.isEmpty)
        // The topic was recreated: its log ends at 3, before the 5003 counted, so offset 2 is
        // new, and counted once although it comes twice.
        let replaced = monitor.evaluate(tenant: "t", events: events(2..<3, partitionEnd: 3) + events(2..<3, partitionEnd: 3), packs: set)
        #expect(replaced.replacedLogRoutes == ["chat"])
        #expect(replaced.firings.map(\.events) == [5])
        monitor.apply(replaced)
        let state = try #require(monitor.changedStates().first?.1)
        #expect(state.logGeneration == 1)
        #expect(state.position == StreamPosition(partition: 4, offset: 2))
        #expect(state.newestOffsetsJSON == #"{"4":2}"#)
        #expect(try TriggerRouteState(snapshot: state.snapshot) == state)
    }

    @Test func snapshotsKeepEveryWindowAndRefuseWhatTheyDidNotWrite() throws {
        let set = try Self.slowPack()
        let monitor = TriggerMonitor()
        // A day and a half of events, some errors, several latencies: minute and hour buckets.
        var events: [TriggerEvent] = []
        for index in 0..<(36 * 12) {
            events.append(TriggerEvent(route: "chat", date: Self.start.addingTimeInterval(Double(index * 300)), latencyMs: Int64(50 + index % 7 * 400),
                                       isError: index % 5 == 0, cost: 0.01 * Double(index % 3), position: StreamPosition(partition: 0, offset: Int64(index))))
        }
        monitor.apply(monitor.evaluate(tenant: "t", events: events, packs: set))
        let state = try #require(monitor.changedStates().first?.1)
        let bytes = state.snapshot
        let decoded = try TriggerRouteState(snapshot: bytes)
        #expect(decoded == state)
        for metric in [PackTrigger.Metric.p95LatencyMs, .errorRate, .costPerHour] {
            #expect(decoded.activity.value(metric, minutes: 60) == state.activity.value(metric, minutes: 60))
            #expect(decoded.activity.trailingDay(metric, windowMinutes: 60) == state.activity.trailingDay(metric, windowMinutes: 60))
        }
        #expect(bytes.count < 8_000, "\(bytes.count) bytes")
        // Cut short, from another version, or with a bucket out of place: refused, not guessed at.
        #expect(throws: TriggerRouteState.SnapshotError.self) { try TriggerRouteState(snapshot: Array(bytes.dropLast())) }
        #expect(throws: TriggerRouteState.SnapshotError.self) { try TriggerRouteState(snapshot: [4] + bytes.dropFirst()) }
        #expect(throws: TriggerRouteState.SnapshotError.self) { try TriggerRouteState(snapshot: bytes + [0]) }
        // The version, minute, position, one partition's newest offset, the log generation and
        // (empty) firing list take 1 + 8 + 4 + 8 + (2 + 12) + 8 + 2 bytes and the minute bucket
        // count one more: byte 46 is the first bucket's slot.
        var misplaced = bytes
        misplaced[46] = misplaced[46] == 0 ? 1 : 0
        #expect(throws: TriggerRouteState.SnapshotError.self) { try TriggerRouteState(snapshot: misplaced) }
        // Format 2 had no log generation (bytes 35 to 42 here): it reads as generation 0.
        let formatTwo = [2] + bytes[1..<35] + bytes[43...]
        #expect(try TriggerRouteState(snapshot: Array(formatTwo)) == state)
    }
}

extension TriggerMonitor {
    /// One event, evaluated and applied at once.
    func observe(tenant: String, route: String, at date: Date, latencyMs: Int64, isError: Bool, cost: Double,
                 packs: ActivePackSet) -> [TriggerFiring] {
        let update = evaluate(tenant: tenant, events: [TriggerEvent(route: route, date: date, latencyMs: latencyMs, isError: isError, cost: cost)],
                              packs: packs)
        apply(update)
        return update.firings
    }
}
