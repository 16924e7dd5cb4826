import Foundation
@testable import PalisadeGuard
import Testing

/// Decoding stops early once a run cannot be text; the boundary must stay where `isText`
/// puts it (at most a tenth unprintable), wherever in the run the unprintable bytes are.
@Suite struct EncodedPayloadTests {
    private func decoded(_ run: String) -> (EncodedPayload.Kind, [UInt8])? {
        Array(run.utf8).withUnsafeBufferPointer { EncodedPayload.decode($0) }.map { ($0.kind, $0.text) }
    }

    @Test(arguments: [true, false])
    func atMostATenthUnprintableIsText(unprintableFirst: Bool) {
        for unprintable in 0...5 {
            let printable = [UInt8](repeating: UInt8(ascii: "q"), count: 20 - unprintable)
            let controls = [UInt8](repeating: 0x01, count: unprintable)
            let bytes = unprintableFirst ? controls + printable : printable + controls
            let base64 = Data(bytes).base64EncodedString()
            let hex = bytes.map { String(format: "%02x", $0) }.joined()
            let base64Result = decoded(base64)
            let hexResult = decoded(hex)
            #expect((base64Result != nil) == (unprintable <= 2), "base64, \(unprintable) unprintable")
            #expect((hexResult != nil) == (unprintable <= 2), "hex, \(unprintable) unprintable")
            if let base64Result { #expect(base64Result.0 == .base64 && base64Result.1 == bytes) }
            if let hexResult { #expect(hexResult.0 == .hex && hexResult.1 == bytes) }
        }
    }
}
