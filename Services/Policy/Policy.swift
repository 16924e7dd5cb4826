import PalisadeKafka
import PalisadePolicy
import PalisadeService
import ServiceLifecycle

/// palisade-policy: signed, versioned policy packs and the permission decisions they answer,
/// approvals, and each tenant's threshold rules applied to every runtime event.
@main
enum Policy: ServiceDefinition {
    static let descriptor = ServiceCatalog.policy

    static func serve(on host: ServiceHost) async throws {
        let settings = host.settings
        let trust = try PackTrust.load(environment: settings.environment)
        if trust.allowUnsigned { host.logger.warning("PALISADE_POLICY_ALLOW_UNSIGNED=true: unsigned policy packs can be activated") }
        let outbox = TransactionalOutbox(database: host.database, producer: host.producer, table: "policy.outbox",
                                         pendingTenantsFunction: "policy.tenants_with_pending_outbox", service: "policy", logger: host.logger)
        let packStore = PackStore(database: host.database)
        let recheck = try settings.integer("PALISADE_POLICY_RECHECK_MILLISECONDS", default: 2000, range: 0...600_000)
        let active = ActivePacks(store: packStore, recheck: .milliseconds(recheck), logger: host.logger)
        let sealer = try PackSetSealer.load(environment: settings.environment)
        if sealer == nil {
            host.logger.warning("no PALISADE_POLICY_SET_SIGNING_KEY_FILE: pack sets are published unsealed, and gateways that check seals refuse them")
        }
        let lifecycle = PackLifecycle(store: packStore, outbox: outbox, active: active, trust: trust, sealer: sealer)
        let approvals = ApprovalStore(database: host.database)
        let signals = ApprovalSignals()
        let publisher = BufferedPublisher(producer: host.producer, metric: "palisade_policy_decisions", logger: host.logger)
        let decider = PermissionDecider(packs: active, approvals: approvals, outbox: outbox, publisher: publisher)
        let rules = RuleStore(database: host.database)

        let router = host.makeRouter()
        RuleRoutes(store: rules).register(on: router, registry: host.routes)
        PackRoutes(lifecycle: lifecycle).register(on: router, registry: host.routes)
        DecisionRoutes(decider: decider).register(on: router, registry: host.routes)
        ApprovalRoutes(store: approvals, outbox: outbox, signals: signals).register(on: router, registry: host.routes)

        let monitor = TriggerMonitor()
        let checkpointSeconds = try settings.integer("PALISADE_POLICY_TRIGGER_CHECKPOINT_SECONDS", default: 10, range: 1...3600)
        let idleSeconds = try settings.integer("PALISADE_POLICY_TRIGGER_IDLE_SECONDS", default: 900, range: 0...86_400)
        let evaluation = RuntimeEvaluation(rules: rules, packs: active, monitor: monitor, windows: TriggerWindowStore(database: host.database),
                                           idleRoutes: .seconds(idleSeconds), producer: host.producer, logger: host.logger)
        let windows = ConsumerService.Checkpoint(interval: .seconds(checkpointSeconds), save: evaluation.saveWindows, forget: monitor.forget)
        let evaluate = try host.consumer(group: "evaluate", topics: [.runtime], checkpoint: windows) { batch in
            try await evaluation.handle(batch)
        }
        let expiry = ApprovalExpiry(store: approvals, outbox: outbox, logger: host.logger)
        let expirySeconds = try settings.integer("PALISADE_APPROVAL_EXPIRY_SWEEP_SECONDS", default: 5, range: 1...3600)
        let repairSeconds = try settings.integer("PALISADE_POLICY_PACK_REPAIR_SECONDS", default: 60, range: 1...86_400)
        let repair = PackSetRepair(consumer: try host.reader(of: [.policyPacks], name: "pack-repair"), store: packStore,
                                   producer: host.producer, outbox: outbox, active: active, sealer: sealer, logger: host.logger)
        let recheckPacks = recheck > 0
            ? [PeriodicService(name: "active pack recheck", interval: active.recheck, logger: host.logger, tick: active.recheckAll)] : []
        try await host.run(router: router, services: [
            evaluate,
            publisher,
            PeriodicService(name: "policy outbox relay", interval: .seconds(5), logger: host.logger, tick: outbox.relayOnce),
            PeriodicService(name: "approval expiry", interval: .seconds(expirySeconds), logger: host.logger, tick: expiry.expireOnce),
            repair,
            PeriodicService(name: "pack set repair", interval: .seconds(repairSeconds), logger: host.logger, tick: repair.sweep),
        ] + recheckPacks)
    }
}
