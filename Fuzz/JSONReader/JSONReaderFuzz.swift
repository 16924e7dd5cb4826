import Foundation

/// libFuzzer target: `JSONReader` on any bytes. Compiled into one module with the JSON files of
/// `Shared/PalisadeEvents` by `scripts/fuzz`.
///
/// Checks, besides what AddressSanitizer and Swift's traps catch: what the reader accepts,
/// Foundation's parser accepts too (the reader is the stricter of the two), and what the writer
/// makes of it reads back as the same value.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSONReader(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    guard let value = try? JSONReader.parse(bytes) else { return 0 }
    precondition((try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])) != nil,
                 "accepted what Foundation refuses: \(String(decoding: bytes, as: UTF8.self))")
    guard let written = JSONWriter.bytes(of: value) else { return 0 }
    guard let again = try? JSONReader.parse(written) else {
        preconditionFailure("the writer's JSON does not read back: \(String(decoding: written, as: UTF8.self))")
    }
    precondition(sameValue(value, again), "the round trip changed \(value) into \(again)")
    return 0
}

/// Equal, numbers by value: the writer spells 1500.0 as 1500, which reads back as an integer.
private func sameValue(_ a: JSONValue, _ b: JSONValue) -> Bool {
    switch (a, b) {
    case (.integer(let integer), .number(let number)), (.number(let number), .integer(let integer)):
        return Double(integer) == number
    case (.array(let left), .array(let right)):
        return left.count == right.count && zip(left, right).allSatisfy(sameValue)
    case (.object(let left), .object(let right)):
        return left.count == right.count && left.allSatisfy { key, value in right[key].map { sameValue(value, $0) } ?? false }
    default:
        return a == b
    }
}
