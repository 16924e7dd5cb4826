/// Every detector over one text: prompt injection, personal data and secrets. Spans come back
/// in Unicode scalars of the text, sorted by where they start.
public struct GuardScanner: Sendable {
    public struct Detectors: OptionSet, Sendable {
        public let rawValue: Int
        public init(rawValue: Int) { self.rawValue = rawValue }
        public static let injection = Detectors(rawValue: 1)
        public static let dataLoss = Detectors(rawValue: 2)
        /// The text is what a tool returned: the injection scan also looks for requests planted
        /// in it as if from the user ("please transfer $3,000 from my account to …"), which
        /// are the user's own business in a user turn. Implies `injection`.
        public static let toolOutput = Detectors(rawValue: 4)
        public static let all: Detectors = [.injection, .dataLoss]
    }

    private let injection = InjectionScanner()
    private let dataLoss = DLPScanner()

    public init() {}

    public func scan(_ text: String, detectors: Detectors = .all) -> [Finding] {
        var text = text
        return text.withUTF8 { utf8 in
            var found: [ByteFinding] = []
            if !detectors.isDisjoint(with: [.injection, .toolOutput]) {
                found += injection.scan(utf8: utf8, toolOutput: detectors.contains(.toolOutput))
            }
            if detectors.contains(.dataLoss) { found += dataLoss.scan(utf8: utf8) }
            return ScalarOffsets.findings(found, in: utf8)
        }
    }

    /// Findings with UTF-8 byte spans, for callers that work in bytes (streams).
    func scanBytes(_ utf8: UnsafeBufferPointer<UInt8>, detectors: Detectors = .all) -> [ByteFinding] {
        var found: [ByteFinding] = []
        if !detectors.isDisjoint(with: [.injection, .toolOutput]) {
            found += injection.scan(utf8: utf8, toolOutput: detectors.contains(.toolOutput))
        }
        if detectors.contains(.dataLoss) { found += dataLoss.scan(utf8: utf8) }
        return found
    }
}

/// UTF-8 byte offsets to Unicode scalar offsets, for many offsets in one walk.
enum ScalarOffsets {
    static func findings(_ found: [ByteFinding], in utf8: UnsafeBufferPointer<UInt8>) -> [Finding] {
        guard !found.isEmpty else { return [] }
        var offsets = found.flatMap { [$0.start, $0.end] }
        offsets.sort()
        // `scalars[i]` is the scalar offset of byte offset `offsets[i]`.
        var scalars = [Int](repeating: 0, count: offsets.count)
        var scalar = 0
        var byte = 0
        for (index, offset) in offsets.enumerated() {
            while byte < offset && byte < utf8.count {
                if utf8[byte] & 0xC0 != 0x80 { scalar += 1 }
                byte += 1
            }
            scalars[index] = scalar
        }
        func scalarOffset(_ offset: Int) -> Int {
            var low = 0
            var high = offsets.count
            while low < high {
                let middle = (low + high) / 2
                if offsets[middle] < offset { low = middle + 1 } else { high = middle }
            }
            return scalars[low]
        }
        return found.map { finding in
            Finding(detector: finding.detector, category: finding.category,
                    start: scalarOffset(finding.start), end: scalarOffset(finding.end), confidence: finding.confidence)
        }.sorted { ($0.start, $0.end, $0.detector) < ($1.start, $1.end, $1.detector) }
    }
}
