import ArgumentParser
import Foundation
import PalisadeGuardQuality

/// `palisade scan-quality`: precision and recall of the detectors on the repository's corpus.
struct ScanQualityCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan-quality",
        abstract: "Print the detectors' precision and recall on the labelled corpus (exit 1 when a target is missed)."
    )

    @Option(help: "Folder with attacks.jsonl and benign.jsonl.")
    var corpus = "corpus/guard"

    @Option(help: "Seed of the personal-data and secrets generator.")
    var seed: UInt64 = 20_261_201

    @Option(help: "Generated personal-data and secrets samples.")
    var samples = 4000

    @Option(help: "Findings below this confidence are not counted.")
    var minConfidence = 0.5

    @Flag(help: "List every miss and false alarm.")
    var verbose = false

    func run() throws {
        let report = try QualityReport.measure(corpus: URL(fileURLWithPath: corpus), seed: seed, samples: samples,
                                               minimumConfidence: minConfidence)
        print(report.formatted(verbose: verbose))
        if !report.meetsTargets { throw ExitCode(1) }
    }
}
