import Foundation
import PalisadeGuard
import PalisadeGuardQuality

/// One core's detector throughput over texts cut to a size, in MB/s of UTF-8 scanned.
public enum DetectorSpeed {
    public struct Line: Decodable {
        public var text: String
    }

    /// The quality corpus's ordinary prompts and code, its attacks, and generated PII.
    public static func corpus(_ folder: String) throws -> (ordinary: String, mixed: String) {
        func texts(_ file: String) throws -> [String] {
            try String(contentsOfFile: "\(folder)/\(file)", encoding: .utf8).split(separator: "\n")
                .map { try JSONDecoder().decode(Line.self, from: Data($0.utf8)).text }
        }
        let ordinary = try texts("benign.jsonl")
        var data = SyntheticData(seed: 7)
        let generated = (0..<500).map { _ in data.positive(of: DataType.allCases).text }
        return (ordinary.joined(separator: "\n\n"), (ordinary + (try texts("attacks.jsonl")) + generated).joined(separator: "\n\n"))
    }

    public static func chunks(_ text: String, size: Int) -> [String] {
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

    /// MB/s and texts scanned, running `detectors` over `pieces` in turn for `seconds`.
    public static func measure(_ pieces: [String], detectors: GuardScanner.Detectors, seconds: Double) -> (megabytesPerSecond: Double, texts: Int) {
        let scanner = GuardScanner()
        var bytes = 0
        var index = 0
        let start = ContinuousClock.now
        let deadline = start + .milliseconds(Int(seconds * 1000))
        while ContinuousClock.now < deadline {
            for _ in 0..<64 {
                let piece = pieces[index % pieces.count]
                _ = scanner.scan(piece, detectors: detectors)
                bytes += piece.utf8.count
                index += 1
            }
        }
        let elapsed = (ContinuousClock.now - start) / .seconds(1)
        return (Double(bytes) / elapsed / 1_000_000, index)
    }
}
