import Foundation

/// The text a file given inline carries (base64, or a `data:` URL), when it is text the
/// detectors can read. An attachment is judged by its bytes, never by the media type its
/// sender declares: a text file labelled `application/pdf` is still read, and a PDF labelled
/// `text/plain` is not taken for text.
public enum AttachmentText {
    /// Decoded text; nil for anything else (an image, a PDF, audio, any binary file) and for
    /// base64 that does not decode.
    public static func decode(base64: String) -> String? {
        // Line breaks and spaces (MIME-style wrapping) are allowed; any other stray byte is not,
        // and is refused before anything is decoded.
        guard base64.utf8.allSatisfy({ base64Alphabet[Int($0)] }),
              let data = Data(base64Encoded: base64, options: .ignoreUnknownCharacters) else { return nil }
        return text(Array(data))
    }

    /// The same for a `data:[<media type>][;base64],<payload>` URL; nil when `url` is not one.
    public static func decode(dataURL url: String) -> String? {
        guard url.utf8.count > 5, url.utf8.prefix(5).elementsEqual("data:".utf8),
              let comma = url.utf8.firstIndex(of: UInt8(ascii: ",")) else { return nil }
        let header = url[url.index(url.startIndex, offsetBy: 5)..<comma]
        let payload = String(url[url.index(after: comma)...])
        if header.split(separator: ";").contains(where: { $0.lowercased() == "base64" }) {
            return decode(base64: payload)
        }
        // Without `;base64` the payload is percent-encoded bytes.
        guard let decoded = payload.removingPercentEncoding else { return nil }
        return text(Array(decoded.utf8))
    }

    /// `bytes` as text: UTF-8 (a byte-order mark dropped) or UTF-16 with its byte-order mark,
    /// with no NUL and at most one control character in a hundred besides tab, line feed,
    /// form feed and carriage return. PDFs are refused whatever they hold: their text is
    /// mostly in compressed streams, so reading the file's bytes would pass what it hides.
    static func text(_ bytes: [UInt8]) -> String? {
        if bytes.starts(with: "%PDF-".utf8) { return nil }
        let decoded: String?
        switch (bytes.first, bytes.dropFirst().first) {
        case (0xFF?, 0xFE?): decoded = utf16(bytes.dropFirst(2), bigEndian: false)
        case (0xFE?, 0xFF?): decoded = utf16(bytes.dropFirst(2), bigEndian: true)
        default:
            let body = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? bytes.dropFirst(3) : bytes[...]
            decoded = String(validating: body, as: UTF8.self)
        }
        guard let decoded else { return nil }
        var scalars = 0
        var controls = 0
        for scalar in decoded.unicodeScalars {
            scalars += 1
            switch scalar.value {
            case 0: return nil
            case 0x09, 0x0A, 0x0C, 0x0D: break
            case 0x01...0x1F, 0x7F: controls += 1
            default: break
            }
        }
        return controls * 100 <= scalars ? decoded : nil
    }

    private static func utf16(_ bytes: ArraySlice<UInt8>, bigEndian: Bool) -> String? {
        guard bytes.count % 2 == 0 else { return nil }
        var units: [UInt16] = []
        units.reserveCapacity(bytes.count / 2)
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let first = UInt16(bytes[index])
            let second = UInt16(bytes[index + 1])
            units.append(bigEndian ? first << 8 | second : second << 8 | first)
            index += 2
        }
        // Unpaired surrogates make it binary, not text with replacement characters.
        var text = ""
        var iterator = units.makeIterator()
        var decoder = UTF16()
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar): text.unicodeScalars.append(scalar)
            case .emptyInput: return text
            case .error: return nil
            }
        }
    }

    /// By byte: the standard base64 alphabet, padding and whitespace.
    private static let base64Alphabet: [Bool] = (0..<256).map { byte in
        (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || (0x30...0x39).contains(byte)
            || [0x2B, 0x2F, 0x3D, 0x20, 0x09, 0x0A, 0x0D].contains(byte)
    }
}
