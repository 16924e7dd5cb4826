/// The seven services: their names, the schema each owns, default ports. (What each consumes
/// is declared where its consumers are built.)
public struct ServiceDescriptor: Sendable, Equatable {
    /// `ingest` → executable `palisade-ingest`, roles `palisade_ingest_owner`/`_app`.
    public let name: String
    /// The Postgres schema only this service reads and writes.
    public let schema: String
    public let defaultPort: Int

    public var executable: String { "palisade-\(name)" }
    /// `PALISADE_<NAME>_URL`, where the gateway finds the service.
    public var urlVariable: String { "PALISADE_\(name.uppercased())_URL" }
}

public enum ServiceCatalog {
    public static let gateway = ServiceDescriptor(name: "gateway", schema: "identity", defaultPort: 8080)
    public static let ingest = ServiceDescriptor(name: "ingest", schema: "events", defaultPort: 8081)
    public static let policy = ServiceDescriptor(name: "policy", schema: "policy", defaultPort: 8082)
    public static let watcher = ServiceDescriptor(name: "watcher", schema: "watcher", defaultPort: 8083)
    public static let incidents = ServiceDescriptor(name: "incidents", schema: "incidents", defaultPort: 8084)
    public static let alerts = ServiceDescriptor(name: "alerts", schema: "alerts", defaultPort: 8085)
    public static let siem = ServiceDescriptor(name: "siem", schema: "siem", defaultPort: 8086)

    public static let all = [gateway, ingest, policy, watcher, incidents, alerts, siem]

    public static func named(_ name: String) -> ServiceDescriptor? {
        all.first { $0.name == name }
    }
}
