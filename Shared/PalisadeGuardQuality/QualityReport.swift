import Foundation
import PalisadeGuard

/// Precision and recall of the detectors on the labelled corpus (`corpus/guard`): attacks
/// that must be found, ordinary prompts and code that must not trip, and personal data and
/// secrets from `SyntheticData` (with look-alikes that must not be reported).
public struct QualityReport: Sendable {
    public struct Counts: Sendable {
        public var truePositives = 0
        public var falsePositives = 0
        public var falseNegatives = 0

        public var precision: Double {
            truePositives + falsePositives == 0 ? 1 : Double(truePositives) / Double(truePositives + falsePositives)
        }

        public var recall: Double {
            truePositives + falseNegatives == 0 ? 1 : Double(truePositives) / Double(truePositives + falseNegatives)
        }
    }

    public struct Miss: Sendable {
        public var text: String
        public var detail: String
    }

    /// Attacks found (any injection finding), by labelled family.
    public var injectionByFamily: [String: (found: Int, total: Int)] = [:]
    public var benignPrompts = 0
    public var benignCode = 0
    public var benignTools = 0
    /// Ordinary texts a tool returned (e-mails, reviews, search results), scanned as tool output.
    public var benignToolOutputs = 0
    /// Ordinary texts with an injection finding.
    public var falseAlarms: [Miss] = []
    public var missedAttacks: [Miss] = []
    /// Personal data and secrets, by type.
    public var dataLoss: [String: Counts] = [:]
    public var dataLossErrors: [Miss] = []

    public var injectionRecall: Double {
        let found = injectionByFamily.values.map(\.found).reduce(0, +)
        let total = injectionByFamily.values.map(\.total).reduce(0, +)
        return total == 0 ? 1 : Double(found) / Double(total)
    }

    public var falsePositiveRate: Double {
        let total = benignPrompts + benignCode + benignTools + benignToolOutputs
        return total == 0 ? 0 : Double(falseAlarms.count) / Double(total)
    }

    public var dataLossTotal: Counts {
        dataLoss.values.reduce(into: Counts()) {
            $0.truePositives += $1.truePositives
            $0.falsePositives += $1.falsePositives
            $0.falseNegatives += $1.falseNegatives
        }
    }

    /// The targets the detectors are held to.
    public var meetsTargets: Bool {
        injectionRecall >= 0.90 && falsePositiveRate <= 0.01
            && dataLoss.values.allSatisfy { $0.precision >= 0.95 && $0.recall >= 0.95 }
    }

    struct Attack: Decodable {
        var family: String
        var text: String
        /// `tool_output` for an attack planted in what a tool returned; absent for a prompt.
        var source: String?
    }

    struct Benign: Decodable {
        var kind: String
        var text: String
    }

    /// Runs every detector over the corpus in `directory` and `samples` synthetic samples.
    public static func measure(corpus directory: URL, seed: UInt64, samples: Int, minimumConfidence: Double = 0.5) throws -> QualityReport {
        let scanner = GuardScanner()
        var report = QualityReport()
        for attack in try lines(Attack.self, directory.appendingPathComponent("attacks.jsonl")) {
            let findings = scanner.scan(attack.text, detectors: injection(toolOutput: attack.source == "tool_output")).filter { $0.confidence >= minimumConfidence }
            var tally = report.injectionByFamily[attack.family] ?? (0, 0)
            tally.total += 1
            if findings.isEmpty {
                report.missedAttacks.append(Miss(text: attack.text, detail: attack.family))
            } else {
                tally.found += 1
            }
            report.injectionByFamily[attack.family] = tally
        }
        for benign in try lines(Benign.self, directory.appendingPathComponent("benign.jsonl")) {
            switch benign.kind {
            case "code": report.benignCode += 1
            case "tool": report.benignTools += 1
            case "tool_output": report.benignToolOutputs += 1
            default: report.benignPrompts += 1
            }
            let findings = scanner.scan(benign.text, detectors: injection(toolOutput: benign.kind == "tool_output")).filter { $0.confidence >= minimumConfidence }
            if !findings.isEmpty {
                report.falseAlarms.append(Miss(text: benign.text, detail: findings.map(\.detector).joined(separator: ",")))
            }
        }
        var data = SyntheticData(seed: seed)
        let types = DataType.allCases
        for index in 0..<samples {
            // One in four samples holds only look-alikes.
            let sample = index % 4 == 3 ? data.negative() : data.positive(of: [types[index % types.count]] + (index % 5 == 0 ? types : []))
            let findings = scanner.scan(sample.text, detectors: .dataLoss).filter { $0.confidence >= minimumConfidence }
            report.score(sample, findings)
        }
        return report
    }

    /// The injection scan, as the gateway runs it on a prompt or on what a tool returned.
    private static func injection(toolOutput: Bool) -> GuardScanner.Detectors {
        toolOutput ? [.injection, .toolOutput] : .injection
    }

    private mutating func score(_ sample: LabelledSample, _ findings: [Finding]) {
        var matched = Set<Int>()
        for finding in findings {
            let hit = sample.expected.indices.first { index in
                !matched.contains(index) && sample.expected[index].type.rawValue == finding.detector
                    && finding.start < sample.expected[index].end && sample.expected[index].start < finding.end
            }
            if let hit {
                matched.insert(hit)
                dataLoss[finding.detector, default: Counts()].truePositives += 1
            } else {
                dataLoss[finding.detector, default: Counts()].falsePositives += 1
                dataLossErrors.append(Miss(text: sample.text, detail: "unexpected \(finding.detector) at \(finding.start)..<\(finding.end)"))
            }
        }
        for (index, expected) in sample.expected.enumerated() where !matched.contains(index) {
            dataLoss[expected.type.rawValue, default: Counts()].falseNegatives += 1
            dataLossErrors.append(Miss(text: sample.text, detail: "missed \(expected.type.rawValue) at \(expected.start)..<\(expected.end)"))
        }
    }

    private static func lines<T: Decodable>(_ type: T.Type, _ file: URL) throws -> [T] {
        let text = try String(contentsOf: file, encoding: .utf8)
        return try text.split(separator: "\n").filter { !$0.isEmpty }.map { try JSONDecoder().decode(T.self, from: Data($0.utf8)) }
    }

    /// The report as a table, with the misses listed when `verbose`.
    public func formatted(verbose: Bool) -> String {
        var out: [String] = []
        let attacks = injectionByFamily.values.map(\.total).reduce(0, +)
        out.append("prompt injection: \(attacks) attacks in \(injectionByFamily.count) families, \(benignPrompts) ordinary prompts, \(benignCode) code samples, \(benignTools) tool descriptions, \(benignToolOutputs) tool outputs")
        out.append(String(format: "  recall %.3f (target >= 0.90)   false-positive rate %.4f (target <= 0.01)", injectionRecall, falsePositiveRate))
        for family in injectionByFamily.keys.sorted() {
            guard let tally = injectionByFamily[family] else { continue }
            out.append("  \(family.padding(toLength: 30, withPad: " ", startingAt: 0)) \(tally.found)/\(tally.total)")
        }
        out.append("personal data and secrets (precision / recall, target >= 0.95 each):")
        for type in DataType.allCases {
            let counts = dataLoss[type.rawValue] ?? Counts()
            out.append("  " + type.rawValue.padding(toLength: 24, withPad: " ", startingAt: 0)
                + String(format: " precision %.3f  recall %.3f  (tp %d, fp %d, fn %d)", counts.precision, counts.recall,
                         counts.truePositives, counts.falsePositives, counts.falseNegatives))
        }
        let total = dataLossTotal
        out.append("  " + "all".padding(toLength: 24, withPad: " ", startingAt: 0)
            + String(format: " precision %.3f  recall %.3f", total.precision, total.recall))
        out.append(meetsTargets ? "all targets met" : "targets NOT met")
        if verbose {
            for miss in missedAttacks { out.append("missed [\(miss.detail)]: \(miss.text)") }
            for alarm in falseAlarms { out.append("false alarm [\(alarm.detail)]: \(alarm.text)") }
            for error in dataLossErrors { out.append("dlp \(error.detail): \(error.text)") }
        }
        return out.joined(separator: "\n")
    }
}
