import Foundation

/// Redacts personal data and secrets in text that arrives in pieces (the deltas of a streamed
/// completion), holding back at most a window of text so that a value split across pieces is
/// still found whole.
///
/// Every pushed piece is released exactly once, in order, possibly changed (a redaction token
/// in the piece where the value started, the rest of the value removed from the pieces after
/// it). A piece is released once `window` scalars have arrived after it, unless the piece ends
/// inside a run of non-space characters that is still growing, or inside a PEM block that has
/// not ended: those are held until they end, up to `maximumHold` scalars.
public struct StreamRedactor: Sendable {
    public struct Released: Sendable, Equatable {
        /// The piece's position among all pushed pieces.
        public var index: Int
        public var text: String
    }

    private struct Piece {
        var index: Int
        var scalars: [Unicode.Scalar]
        /// Where the piece's current text starts in the stream as it arrived.
        var inputOffset: Int
    }

    public let window: Int
    public let maximumHold: Int
    private let mode: @Sendable (Finding) -> RedactionMode
    private let vault: (any RedactionVault)?
    private let scanner = GuardScanner()
    private var pending: [Piece] = []
    private var pushed = 0
    private var arrived = 0
    /// Findings starting before this stream offset were handled with an earlier piece.
    private var handledUntil = 0
    /// The last scalars released, scanned ahead of what is held: some detectors know a value
    /// by what stands before it (`password: …`), which may have gone out with an earlier piece.
    private var releasedTail: [Unicode.Scalar] = []
    private static let releasedTailLength = 128
    /// Every personal-data or secret finding, with offsets in the stream as it arrived.
    public private(set) var findings: [Finding] = []

    public init(window: Int = 256, maximumHold: Int = 16_384, vault: (any RedactionVault)? = nil,
                mode: @escaping @Sendable (Finding) -> RedactionMode) {
        self.window = max(1, window)
        self.maximumHold = max(self.window, maximumHold)
        self.vault = vault
        self.mode = mode
    }

    /// Adds a piece; returns the pieces that can now be released.
    public mutating func push(_ text: String) throws -> [Released] {
        let scalars = Array(text.unicodeScalars)
        pending.append(Piece(index: pushed, scalars: scalars, inputOffset: arrived))
        pushed += 1
        arrived += scalars.count
        return try release(finishing: false)
    }

    /// The stream ended: releases everything held.
    public mutating func finish() throws -> [Released] {
        try release(finishing: true)
    }

    private mutating func release(finishing: Bool) throws -> [Released] {
        var released: [Released] = []
        while let first = pending.first, finishing || isReleasable(first) {
            try redactFirst()
            let piece = pending.removeFirst()
            releasedTail += piece.scalars
            if releasedTail.count > Self.releasedTailLength { releasedTail.removeFirst(releasedTail.count - Self.releasedTailLength) }
            released.append(Released(index: piece.index, text: String(String.UnicodeScalarView(piece.scalars))))
        }
        return released
    }

    /// The buffered text after the first piece, and what it says about holding the piece.
    private func isReleasable(_ first: Piece) -> Bool {
        let after = pending.dropFirst().reduce(0) { $0 + $1.scalars.count }
        let held = first.scalars.count + after
        if held > maximumHold { return true }
        guard after >= window else { return false }
        // A run of non-space characters through the end of the piece that reaches the end of
        // what arrived may still be growing (a token, a key).
        if let last = first.scalars.last, !last.properties.isWhitespace {
            var reachesEnd = true
            outer: for piece in pending.dropFirst() {
                for scalar in piece.scalars where scalar.properties.isWhitespace {
                    reachesEnd = false
                    break outer
                }
            }
            if reachesEnd { return false }
        }
        return !hasOpenPrivateKey()
    }

    /// A `-----BEGIN … PRIVATE KEY` in the buffer with no `-----END` after it.
    private func hasOpenPrivateKey() -> Bool {
        let text = String(String.UnicodeScalarView(pending.flatMap(\.scalars)))
        guard let begin = text.range(of: "-----BEGIN ", options: .backwards) else { return false }
        let rest = text[begin.upperBound...]
        guard rest.prefix(64).contains("PRIVATE KEY") else { return false }
        // Open until its END line arrived whole, closing dashes included.
        guard let end = rest.range(of: "-----END ") else { return true }
        return !rest[end.upperBound...].contains("-----")
    }

    /// Scans the buffer (after the tail of what was released) and applies the findings that
    /// start in the first piece.
    private mutating func redactFirst() throws {
        guard var first = pending.first else { return }
        let context = releasedTail.count
        let buffer = pending.flatMap(\.scalars)
        let text = String(String.UnicodeScalarView(releasedTail + buffer))
        let base = first.inputOffset
        let firstLength = first.scalars.count
        // Offsets from here on are in the buffer; later edits are applied first so earlier
        // offsets stay valid.
        let starting = scanner.scan(text, detectors: .dataLoss)
            .compactMap { finding -> Finding? in
                var inBuffer = finding
                inBuffer.start -= context
                inBuffer.end -= context
                let inFirst = inBuffer.start >= 0 && inBuffer.start < firstLength
                return inFirst && base + inBuffer.start >= handledUntil ? inBuffer : nil
            }
            .sorted { $0.start > $1.start }
        var removeFromLater = 0
        for finding in starting {
            var global = finding
            global.start += base
            global.end += base
            findings.append(global)
            handledUntil = max(handledUntil, global.end)
            let action = mode(finding)
            guard action != .flag else { continue }
            let value = String(String.UnicodeScalarView(buffer[finding.start..<finding.end]))
            let replacement: String
            switch action {
            case .reversible:
                guard let vault else { throw RedactionError.noVault }
                replacement = try vault.token(for: value, type: finding.detector)
            case .strict, .flag:
                replacement = Redactor.strictToken(finding.detector)
            }
            let endInFirst = min(finding.end, firstLength)
            first.scalars.replaceSubrange(finding.start..<endInFirst, with: replacement.unicodeScalars)
            removeFromLater = max(removeFromLater, finding.end - firstLength)
        }
        pending[0] = first
        // The rest of a value that began in the first piece goes from the pieces after it.
        var index = 1
        while removeFromLater > 0, index < pending.count {
            let removed = min(removeFromLater, pending[index].scalars.count)
            pending[index].scalars.removeFirst(removed)
            pending[index].inputOffset += removed
            removeFromLater -= removed
            index += 1
        }
    }
}
