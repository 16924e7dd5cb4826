import ArgumentParser
import Foundation
import PalisadeGuard

/// `palisade scan`: the gateway's detectors as a command, for customers' CI and for us. One
/// JSON line per input with its findings and the redacted text; exit status 1 when anything
/// was found, 0 when nothing was, 2 when the input could not be read.
struct ScanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan",
        abstract: "Scan text for prompt injection, personal data and secrets.",
        discussion: """
            Reads FILE (or standard input) as one text, or with --jsonl as JSON lines each with a
            "text" field (and an optional "id", echoed). Prints one JSON line per input:
            {"findings":[{"detector","class","start","end","confidence"}],"redacted":"..."}
            with offsets in Unicode scalars. Exit status 1 when anything was found.
            """
    )

    @Argument(help: "File to read; standard input when absent or '-'.")
    var file: String?

    @Flag(help: "Read JSON lines with a \"text\" field instead of one text.")
    var jsonl = false

    @Option(help: "Redaction of personal data and secrets in the output: strict or flag (reversible needs the gateway's vault).")
    var mode: RedactionMode = .strict

    @Option(help: "Report only findings at least this confident (0–1).")
    var minConfidence: Double = 0.5

    @Option(help: "Which detectors run: all, injection or dlp.")
    var detectors: DetectorChoice = .all

    @Flag(help: "The texts are what a tool returned to an agent: also find requests planted in them as if from the user.")
    var toolOutput = false

    enum DetectorChoice: String, ExpressibleByArgument, CaseIterable {
        case all, injection, dlp

        var set: GuardScanner.Detectors {
            switch self {
            case .all: return .all
            case .injection: return .injection
            case .dlp: return .dataLoss
            }
        }
    }

    func validate() throws {
        if mode == .reversible {
            throw ValidationError("reversible redaction keeps values in the gateway's vault; use --mode strict or flag here")
        }
        guard (0...1).contains(minConfidence) else { throw ValidationError("--min-confidence must be between 0 and 1") }
    }

    func run() throws {
        do {
            try scan()
        } catch let failure as ScanFailure {
            FileHandle.standardError.write(Data("palisade scan: \(failure.description)\n".utf8))
            throw ExitCode(2)
        }
    }

    private func scan() throws {
        let input: Data
        do {
            if let file, file != "-" {
                input = try Data(contentsOf: URL(fileURLWithPath: file))
            } else {
                input = FileHandle.standardInput.readDataToEndOfFile()
            }
        } catch {
            throw ScanFailure("cannot read \(file ?? "standard input"): \(error.localizedDescription)")
        }
        guard let text = String(data: input, encoding: .utf8) else { throw ScanFailure("the input is not UTF-8") }
        let scanner = GuardScanner()
        var foundAny = false
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let inputs = jsonl ? try Self.lines(text) : [ScanInput(line: nil, id: nil, text: text)]
        let chosen = toolOutput && detectors != .dlp ? detectors.set.union(.toolOutput) : detectors.set
        for item in inputs {
            let findings = scanner.scan(item.text, detectors: chosen).filter { $0.confidence >= minConfidence }
            foundAny = foundAny || !findings.isEmpty
            let redacted = try Redactor.redact(item.text, findings: findings) { _ in mode }
            let output = ScanOutput(line: item.line, id: item.id, findings: findings, redacted: redacted)
            print(String(decoding: try encoder.encode(output), as: UTF8.self))
        }
        if foundAny { throw ExitCode(1) }
    }

    struct ScanInput {
        var line: Int?
        var id: JSONScalar?
        var text: String
    }

    struct ScanOutput: Encodable {
        var line: Int?
        var id: JSONScalar?
        var findings: [Finding]
        var redacted: String
    }

    /// An input's `id`, echoed as it came (a string or a number).
    enum JSONScalar: Codable {
        case string(String)
        case number(Double)

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let text = try? container.decode(String.self) { self = .string(text) } else { self = .number(try container.decode(Double.self)) }
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .string(let text): try container.encode(text)
            case .number(let number): try container.encode(number)
            }
        }
    }

    private struct Line: Decodable {
        var text: String
        var id: JSONScalar?
    }

    private static func lines(_ text: String) throws -> [ScanInput] {
        var inputs: [ScanInput] = []
        for (offset, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            guard !line.allSatisfy(\.isWhitespace) else { continue }
            do {
                let decoded = try JSONDecoder().decode(Line.self, from: Data(line.utf8))
                inputs.append(ScanInput(line: offset + 1, id: decoded.id, text: decoded.text))
            } catch {
                throw ScanFailure("line \(offset + 1) is not a JSON object with a \"text\" string")
            }
        }
        return inputs
    }
}

extension RedactionMode: ExpressibleByArgument {}

/// An input problem: printed to standard error, exit status 2 (1 means "found something").
struct ScanFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
