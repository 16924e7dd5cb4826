import Foundation

/// How each scalar outside ASCII folds before matching: compatibility decomposition (NFKD),
/// lowercased, combining marks dropped, look-alikes mapped to Latin; format characters
/// (zero-width, bidirectional controls, joiners) and variation selectors dropped. Folding is
/// per scalar, so every folded byte knows the scalar it came from. Built once per process.
final class FoldingTable: Sendable {
    enum Fold: Equatable {
        case keep
        case drop
        case replace(Range<Int>)
    }

    static let shared = FoldingTable()

    /// Blocks where folding changes something: Latin to Hangul Jamo and symbols, CJK symbols
    /// and kana, compatibility blocks and presentation forms, half- and fullwidth forms.
    private static let basicRanges: [Range<UInt32>] = [0x80..<0x3400, 0xA640..<0xA800, 0xF900..<0x10000]
    /// Outside the basic plane: mathematical alphanumerics and enclosed alphanumerics.
    private static let supplementaryRanges: [Range<UInt32>] = [0x1D400..<0x1D800, 0x1F100..<0x1F200]

    /// For the basic plane: 0 keep, 1 drop, else `(pool offset << 8) | length`.
    private let basic: [UInt32]
    private let supplementary: [UInt32: UInt32]
    /// Folded UTF-8 of every replaced scalar.
    let pool: [UInt8]

    private init() {
        var basic = [UInt32](repeating: 0, count: 0x10000)
        var supplementary: [UInt32: UInt32] = [:]
        var pool: [UInt8] = []
        func encode(_ value: UInt32) -> UInt32? {
            guard let scalar = Unicode.Scalar(value) else { return nil }
            let folded = Self.fold(scalar)
            if folded.isEmpty { return 1 }
            if folded.elementsEqual(String(scalar).utf8) { return nil }
            let offset = UInt32(pool.count)
            pool.append(contentsOf: folded)
            return offset << 8 | UInt32(folded.count)
        }
        for range in Self.basicRanges {
            for value in range where !(0xD800...0xDFFF).contains(value) {
                if let entry = encode(value) { basic[Int(value)] = entry }
            }
        }
        for range in Self.supplementaryRanges {
            for value in range {
                if let entry = encode(value) { supplementary[value] = entry }
            }
        }
        // Regional indicators spell letters ("🇮🇬🇳…"); NFKD leaves them alone.
        for value in UInt32(0x1F1E6)...0x1F1FF {
            let offset = UInt32(pool.count)
            pool.append(UInt8(ascii: "a") + UInt8(value - 0x1F1E6))
            supplementary[value] = offset << 8 | 1
        }
        self.basic = basic
        self.supplementary = supplementary
        self.pool = pool
    }

    @inline(__always)
    func fold(_ value: UInt32) -> Fold {
        let entry: UInt32
        if value < 0x10000 {
            entry = basic[Int(value)]
        } else if (0xE0000...0xE0FFF).contains(value) {
            return .drop  // tags and variation selectors supplement: invisible
        } else {
            entry = supplementary[value] ?? 0
        }
        switch entry {
        case 0: return .keep
        case 1: return .drop
        default:
            let offset = Int(entry >> 8)
            return .replace(offset..<offset + Int(entry & 0xFF))
        }
    }

    /// The folding of one scalar, from Foundation's Unicode tables (used to build the table).
    static func fold(_ scalar: Unicode.Scalar) -> [UInt8] {
        switch scalar.properties.generalCategory {
        case .format, .nonspacingMark, .enclosingMark, .spacingMark:
            return []
        default:
            break
        }
        // Hangul fillers and the Braille blank render as nothing.
        if [0x115F, 0x1160, 0x3164, 0xFFA0].contains(scalar.value) { return [] }
        if scalar.value == 0x2800 { return [0x20] }
        if scalar.value == 0x2028 || scalar.value == 0x2029 { return [0x0A] }
        let decomposed = String(scalar).decomposedStringWithCompatibilityMapping.lowercased().decomposedStringWithCompatibilityMapping
        var out: [UInt8] = []
        for part in decomposed.unicodeScalars {
            switch part.properties.generalCategory {
            case .format, .nonspacingMark, .enclosingMark, .spacingMark:
                continue
            default:
                break
            }
            if let latin = Confusables.toASCII[part.value] {
                out.append(contentsOf: latin.utf8)
            } else if part.isASCII {
                out.append(ASCIIFold.table[Int(part.value)])
            } else {
                out.append(contentsOf: String(part).utf8)
            }
        }
        return out
    }
}

/// ASCII folding: letters lowercased, control characters other than tab and newlines spaced.
enum ASCIIFold {
    static let table: [UInt8] = (0..<128).map { byte -> UInt8 in
        switch byte {
        case 0x41...0x5A: return UInt8(byte) | 0x20
        case 0x09, 0x0A, 0x0D: return UInt8(byte)
        case 0x00...0x1F, 0x7F: return 0x20
        default: return UInt8(byte)
        }
    }
}
