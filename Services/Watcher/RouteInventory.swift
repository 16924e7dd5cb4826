import Foundation
import Logging
import PalisadeEvents
import PalisadeKafka

/// runtime events → which routes call which providers (a change's affected routes).
struct RouteInventory: Sendable {
    let store: SourceStore
    let logger: Logger

    func handle(_ batch: [KafkaMessage]) async throws {
        var pairsByTenant: [UUID: Set<[String]>] = [:]
        for message in batch {
            let tenantID = try message.tenantID()
            guard let event = try? Palisade_V1_RuntimeEvent(serializedBytes: message.value) else {
                throw PoisonRecord("payload is not a runtime event")
            }
            guard !event.provider.isEmpty, !event.routeID.isEmpty else { continue }
            pairsByTenant[tenantID, default: []].insert([event.provider.lowercased(), event.routeID])
        }
        for (tenantID, pairs) in pairsByTenant {
            try await store.recordRoutes(pairs.map { (provider: $0[0], route: $0[1]) }, tenantID: tenantID, logger: logger)
        }
    }
}
