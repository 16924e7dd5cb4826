/// libFuzzer target: the detectors and both redactors over any text. Compiled into one module
/// with `Shared/PalisadeGuard` by `scripts/fuzz`, so it reaches internal API.
///
/// Checks, besides what AddressSanitizer and Swift's traps catch: findings lie inside the text;
/// a text with nothing to redact comes back unchanged; a stream releases every piece once, in
/// order, and unchanged when nothing was found; an attachment's bytes read as text hold no NUL.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDetectors(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    // The first byte chooses how the stream is cut; the rest is the text, repaired to UTF-8 as
    // every caller's text is a String.
    let cut = Int(data[0] % 13) + 1
    var text = String(decoding: UnsafeBufferPointer(start: data + 1, count: size - 1), as: UTF8.self)
    let scalars = Array(text.unicodeScalars)
    let byteCount = text.utf8.count
    for finding in text.withUTF8({ GuardScanner().scanBytes($0, detectors: [.all, .toolOutput]) }) {
        precondition(0 <= finding.start && finding.start <= finding.end && finding.end <= byteCount, "byte span outside the text")
    }
    let raw = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    for attachment in [AttachmentText.text(raw), AttachmentText.decode(base64: text), AttachmentText.decode(dataURL: text)] {
        precondition(!(attachment?.unicodeScalars.contains("\u{0}") ?? false), "an attachment read as text holds a NUL")
    }
    let findings = GuardScanner().scan(text)
    for finding in findings {
        precondition(0 <= finding.start && finding.start <= finding.end && finding.end <= scalars.count, "span outside the text")
    }
    guard let redacted = try? Redactor.redact(text, findings: findings, mode: { _ in .strict }) else {
        preconditionFailure("strict redaction needs no vault")
    }
    if !findings.contains(where: { $0.category != .injection }) {
        precondition(redacted == text, "a text with nothing to redact changed")
    }

    var stream = StreamRedactor(window: 16 * cut, maximumHold: 256 * cut) { _ in .strict }
    var released: [StreamRedactor.Released] = []
    var pieces = 0
    var start = 0
    while start < scalars.count {
        let end = min(scalars.count, start + cut)
        guard let now = try? stream.push(String(String.UnicodeScalarView(scalars[start..<end]))) else {
            preconditionFailure("strict redaction needs no vault")
        }
        released += now
        pieces += 1
        start = end
    }
    guard let rest = try? stream.finish() else { preconditionFailure("strict redaction needs no vault") }
    released += rest
    precondition(released.map(\.index) == Array(0..<pieces), "every piece released once, in order")
    if stream.findings.isEmpty {
        precondition(released.map(\.text).joined() == text, "a stream with nothing found changed")
    }
    return 0
}
