import ArgumentParser
import Foundation
@_spi(Benchmarks) import PalisadeGuard
import PalisadeBenchmarkSupport

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

    @Option(help: "Run only this stage (fold, tokenize, match; or injection, dlp, all) over the ordinary texts, for a profiler.")
    var repeatStage: String?

    @Flag(help: "With --repeat-stage: the mixed corpus instead of the ordinary texts.")
    var mixedCorpus = false

    @Option(help: "Rounds for --repeat-stage.")
    var rounds = 200

    func run() throws {
        let (ordinary, mixed) = try DetectorSpeed.corpus(corpus)
        if let repeatStage {
            let pieces = DetectorSpeed.chunks(mixedCorpus ? mixed : ordinary, size: chunk)
            let start = ContinuousClock.now
            let sink = StageTiming.repeatStage(repeatStage, pieces, rounds: rounds)
            let seconds = (ContinuousClock.now - start) / .seconds(1)
            let bytes = Double(pieces.map(\.utf8.count).reduce(0, +) * rounds)
            print(String(format: "%@: %.1f MB/s, %.2f µs per text, %d texts (%d)", repeatStage, bytes / seconds / 1_000_000,
                         seconds * 1_000_000 / Double(pieces.count * rounds), pieces.count, sink % 2))
            return
        }
        if stages {
            let pieces = DetectorSpeed.chunks(ordinary, size: chunk)
            let bytes = Double(pieces.map(\.utf8.count).reduce(0, +) * 20)
            for (name, value) in StageTiming.counts(pieces) { print(String(format: "  per text: %@ %.1f", name, value)) }
            for (stage, duration) in StageTiming.measure(pieces, rounds: 20) where !stage.hasPrefix("(") {
                print("  stage \(stage.padding(toLength: 22, withPad: " ", startingAt: 0))"
                      + String(format: " %8.1f MB/s", bytes / (duration / .seconds(1)) / 1_000_000))
            }
        }
        print("detector throughput, one core, \(chunk)-byte texts")
        for (name, text) in [("mixed corpus (prompts, code, attacks, PII)", mixed), ("ordinary prompts and code", ordinary)] {
            let pieces = DetectorSpeed.chunks(text, size: chunk)
            let sets: [(String, GuardScanner.Detectors)] = [("all detectors", .all), ("injection", .injection), ("dlp", .dataLoss)]
            for (label, detectors) in sets where only == nil || label.hasPrefix(only ?? "") {
                let (rate, texts) = DetectorSpeed.measure(pieces, detectors: detectors, seconds: seconds)
                print("  \(name.padding(toLength: 44, withPad: " ", startingAt: 0)) \(label.padding(toLength: 14, withPad: " ", startingAt: 0))"
                      + String(format: " %8.1f MB/s  (%d texts)", rate, texts))
            }
        }
    }
}
