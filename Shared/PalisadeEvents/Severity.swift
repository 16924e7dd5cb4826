/// How bad something is, mildest first; comparable so the worst of several can be kept.
public enum Severity: String, CaseIterable, Comparable, Sendable {
    case info, low, medium, high, critical

    var rank: Int {
        switch self {
        case .info: 0
        case .low: 1
        case .medium: 2
        case .high: 3
        case .critical: 4
        }
    }

    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }

    /// Every severity's name, mildest first, for messages that list them.
    public static var names: String { allCases.map(\.rawValue).joined(separator: ", ") }
}
