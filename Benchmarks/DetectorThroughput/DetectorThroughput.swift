import ArgumentParser
import Foundation
@_spi(Benchmarks) import PalisadeGuard
import PalisadeGuardQuality

/// Detector throughput on one core: every detector over a mix of ordinary prompts, code,
/// attacks and text with personal data, as MB/s of UTF-8 scanned.
@main
struct DetectorThroughput: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "palisade-bench-detectors")

    @Option(help: "Folder with attacks.jsonl and benign.jsonl.")
    var corpus = "corpus/guard"

    @Option(help: "Seconds to scan per measurement.")
    var seconds = 5.0

    @Option(help: "Bytes per scanned text (the corpus is concatenated and cut to this size).")
    var chunk = 4096

    @Option(help: "Only this detector set: all, injection or dlp.")
    var only: String?

    @Flag(help: "Also print the time of each stage of the injection scan.")
    var stages = false

    struct Line: Decodable { var text: String }

    func run() throws {
        var texts: [String] = []
        for file in ["benign.jsonl", "attacks.jsonl"] {
            let content = try String(contentsOfFile: "\(corpus)/\(file)", encoding: .utf8)
            for line in content.split(separator: "\n") { texts.append(try JSONDecoder().decode(Line.self, from: Data(line.utf8)).text) }
        }
        var data = SyntheticData(seed: 7)
        for _ in 0..<500 { texts.append(data.positive(of: DataType.allCases).text) }
        let mixed = texts.joined(separator: "\n\n")
        let ordinary = try String(contentsOfFile: "\(corpus)/benign.jsonl", encoding: .utf8).split(separator: "\n")
            .map { try JSONDecoder().decode(Line.self, from: Data($0.utf8)).text }.joined(separator: "\n\n")
        let scanner = GuardScanner()
        if stages {
            let pieces = Self.chunks(ordinary, size: chunk)
            let bytes = Double(pieces.map(\.utf8.count).reduce(0, +) * 20)
            for (stage, duration) in StageTiming.measure(pieces, rounds: 20) where !stage.hasPrefix("(") {
                print("  stage \(stage.padding(toLength: 22, withPad: " ", startingAt: 0))"
                      + String(format: " %8.1f MB/s", bytes / (duration / .seconds(1)) / 1_000_000))
            }
        }
        print("detector throughput, one core, \(chunk)-byte texts")
        for (name, text) in [("mixed corpus (prompts, code, attacks, PII)", mixed), ("ordinary prompts and code", ordinary)] {
            let pieces = Self.chunks(text, size: chunk)
            let sets: [(String, GuardScanner.Detectors)] = [("all detectors", .all), ("injection", .injection), ("dlp", .dataLoss)]
            for (label, detectors) in sets where only == nil || label.hasPrefix(only ?? "") {
                var bytes = 0
                var findings = 0
                let start = ContinuousClock.now
                let deadline = start + .milliseconds(Int(seconds * 1000))
                var index = 0
                while ContinuousClock.now < deadline {
                    for _ in 0..<64 {
                        let piece = pieces[index % pieces.count]
                        findings &+= scanner.scan(piece, detectors: detectors).count
                        bytes += piece.utf8.count
                        index += 1
                    }
                }
                let elapsed = (ContinuousClock.now - start) / .seconds(1)
                print("  \(name.padding(toLength: 44, withPad: " ", startingAt: 0)) \(label.padding(toLength: 14, withPad: " ", startingAt: 0))"
                      + String(format: " %8.1f MB/s  (%d texts, %d findings)", Double(bytes) / elapsed / 1_000_000, index, findings))
            }
        }
    }

    static func chunks(_ text: String, size: Int) -> [String] {
        var out: [String] = []
        var current = ""
        for character in text {
            current.append(character)
            if current.utf8.count >= size {
                out.append(current)
                current = ""
            }
        }
        if !current.isEmpty { out.append(current) }
        return out
    }
}
