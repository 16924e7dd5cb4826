/// Every Kafka topic Palisade uses, in one place: names, partitions and cleanup policy.
/// The key of every record is the tenant id, so one tenant's records keep their order.
public enum Topic: String, CaseIterable, Sendable {
    case runtime
    case change
    case decisions
    case policyResults = "policy-results"
    case policyPacks = "policy-packs"
    case incidents
    case audit

    /// `palisade.<stream>.v1`.
    public var name: String { "palisade.\(rawValue).v1" }

    /// Where records that failed their handler for good go, with the error in a header.
    public var deadLetterName: String { "\(name).dlq" }

    /// Enough partitions to spread load (the dev broker keeps ~5 MiB per partition).
    public var partitions: Int32 {
        switch self {
        case .runtime, .decisions, .audit: 12
        case .change, .policyResults, .incidents: 6
        case .policyPacks: 3
        }
    }

    /// Compacted topics keep the latest record per key instead of a time window.
    public var isCompacted: Bool { self == .policyPacks }
}

/// A topic to create on a broker that cannot create topics itself (the dev broker).
public struct TopicSpec: Sendable, Equatable {
    public var name: String
    public var partitions: Int32
    public var isCompacted: Bool

    /// The whole catalog, dead-letter topics included.
    public static var catalog: [TopicSpec] {
        Topic.allCases.flatMap { topic in
            [
                TopicSpec(name: topic.name, partitions: topic.partitions, isCompacted: topic.isCompacted),
                TopicSpec(name: topic.deadLetterName, partitions: 1, isCompacted: false),
            ]
        }
    }
}
