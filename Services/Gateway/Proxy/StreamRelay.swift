import Foundation
import PalisadeEvents
import PalisadeGuard

/// The streamed completion, rewritten on its way through: server-sent events are read as they
/// come, each piece of text or of tool-call arguments goes through its stream's
/// `StreamRedactor`, and events leave in their original order once their text is released —
/// at most the route's hold-back window later.
/// A finding the route blocks ends the stream with an error event in the provider's shape;
/// events still held (which may carry the value) are never sent. Past the route's time budget
/// the relay either stops scanning (`bypass`, fail_open) or ends the stream (`refuse`, fail_closed).
struct StreamRelay {
    private struct Queued {
        var event: ServerSentEvent
        var json: JSONValue?
        /// The event's piece of text as it came, and its index in its stream's redactor.
        var piece: (delta: LLMProvider.StreamedDelta, index: Int)?
    }

    let provider: LLMProvider
    let policy: OutputPolicy
    let window: Int
    let vault: CallVault
    private var parser = ServerSentEventParser()
    private var redactors: [Int: StreamRedactor] = [:]
    private var released: [Int: [Int: String]] = [:]
    private var queue: [Queued] = []
    private let scanner = GuardScanner()
    /// Findings in events scanned whole (see `screened`), offsets within their event.
    private var eventFindings: [Finding] = []
    /// The finding that ended the stream, if one did.
    private(set) var blockedBy: Finding?
    /// Scanning was given up: held events go out as the provider sent them, later ones unscanned.
    private(set) var isBypassed = false
    /// The stream was ended because it could not be scanned in time.
    private(set) var isRefused = false

    /// Whether the stream is over for the client (an error event was sent).
    var hasEnded: Bool { blockedBy != nil || isRefused }

    init(provider: LLMProvider, policy: OutputPolicy, window: Int, vault: CallVault) {
        self.provider = provider
        self.policy = policy
        self.window = window
        self.vault = vault
    }

    /// Every personal-data or secret finding so far (offsets within its stream).
    var findings: [Finding] { redactors.keys.sorted().flatMap { redactors[$0]?.findings ?? [] } + eventFindings }

    /// Reads `bytes`; returns the text to send now.
    mutating func feed(_ bytes: some Sequence<UInt8>) throws -> String {
        guard !hasEnded else { return "" }
        for event in parser.feed(bytes) { try take(event) }
        return try output()
    }

    /// The upstream ended: everything held is released.
    mutating func finish() throws -> String {
        guard !hasEnded else { return "" }
        for event in parser.finish() { try take(event) }
        if isBypassed { return try output() }
        for stream in redactors.keys.sorted() {
            guard var redactor = redactors[stream] else { continue }
            for piece in try redactor.finish() { released[stream, default: [:]][piece.index] = piece.text }
            redactors[stream] = redactor
        }
        checkBlocks()
        return try output()
    }

    /// Stops scanning: what is held and whatever comes after is relayed as it arrives.
    mutating func bypass() throws -> String {
        isBypassed = true
        return try output()
    }

    /// Ends the stream with an error event in the provider's shape; nothing held is sent.
    mutating func refuse(message: String) -> String {
        isRefused = true
        queue.removeAll()
        return provider.errorEvent(message: message, code: "guard_unavailable")
    }

    private mutating func take(_ event: ServerSentEvent) throws {
        if isBypassed {
            queue.append(Queued(event: event, json: nil, piece: nil))
            return
        }
        guard let json = try? JSONReader.parse(event.data.utf8), let delta = provider.delta(json) else {
            queue.append(Queued(event: try screened(event), json: nil, piece: nil))
            return
        }
        let stream = delta.stream
        let policy = self.policy
        var redactor = redactors[stream] ?? StreamRedactor(window: window, vault: vault, mode: { policy.redaction(for: $0) })
        let index = pushedCount(stream)
        for piece in try redactor.push(delta.text) { released[stream, default: [:]][piece.index] = piece.text }
        redactors[stream] = redactor
        counts[stream] = index + 1
        queue.append(Queued(event: event, json: json, piece: (delta, index)))
        checkBlocks()
    }

    /// An event with no text delta (metadata, something that is not JSON) is scanned whole and
    /// redacted in place: such events are not split the way deltas are, and none goes out unscanned.
    private mutating func screened(_ event: ServerSentEvent) throws -> ServerSentEvent {
        let found = scanner.scan(event.data, detectors: .dataLoss).filter { $0.confidence >= OutputPolicy.minimumConfidence }
        guard !found.isEmpty else { return event }
        eventFindings += found
        checkBlocks()
        let policy = self.policy
        return event.replacingData(try Redactor.redact(event.data, findings: found, vault: vault, mode: { policy.redaction(for: $0) }))
    }

    /// Pieces pushed per stream, which is the next piece's index.
    private var counts: [Int: Int] = [:]
    private func pushedCount(_ stream: Int) -> Int { counts[stream] ?? 0 }

    private mutating func checkBlocks() {
        if blockedBy == nil, !isBypassed, let blocking = findings.first(where: { $0.confidence >= OutputPolicy.minimumConfidence && policy.blocks($0) }) {
            blockedBy = blocking
        }
    }

    /// Events whose text is out, from the front of the queue; the error event once blocked.
    private mutating func output() throws -> String {
        if let blockedBy {
            queue.removeAll()
            return provider.errorEvent(message: "the completion was blocked by policy: sensitive output (\(blockedBy.detector))",
                                       code: "sensitive_output")
        }
        var out = ""
        while let first = queue.first {
            if let piece = first.piece {
                guard let text = released[piece.delta.stream]?[piece.index], let json = first.json else {
                    // Given up on: the event goes as it came.
                    guard isBypassed else { break }
                    out += first.event.encoded
                    queue.removeFirst()
                    continue
                }
                released[piece.delta.stream]?[piece.index] = nil
                let rewritten = provider.replacing(piece.delta, in: json, with: text).canonicalJSON()
                out += first.event.replacingData(String(decoding: rewritten, as: UTF8.self)).encoded
            } else {
                out += first.event.encoded
            }
            queue.removeFirst()
        }
        return out
    }
}
