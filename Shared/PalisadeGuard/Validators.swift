import Foundation

/// Checks that turn "looks like" into "is": check digits, registries of valid ranges, and the
/// randomness a real credential has and a placeholder lacks.
enum Validators {
    /// Luhn (ISO/IEC 7812) over ASCII digits.
    static func luhn(_ digits: [UInt8]) -> Bool {
        var sum = 0
        for (offset, digit) in digits.reversed().enumerated() {
            var value = Int(digit - 0x30)
            if offset % 2 == 1 {
                value *= 2
                if value > 9 { value -= 9 }
            }
            sum += value
        }
        return sum % 10 == 0
    }

    /// The card brand whose issuer prefix and length the digits have, if any.
    static func cardBrand(_ digits: [UInt8]) -> String? {
        let text = String(decoding: digits, as: UTF8.self)
        func prefix(_ count: Int) -> Int { Int(text.prefix(count)) ?? -1 }
        let length = digits.count
        switch (prefix(1), prefix(2), prefix(3), prefix(4), prefix(6)) {
        case (4, _, _, _, _) where [13, 16, 19].contains(length): return "visa"
        case (_, 51...55, _, _, _) where length == 16: return "mastercard"
        case (_, _, _, 2221...2720, _) where length == 16: return "mastercard"
        case (_, 34, _, _, _) where length == 15, (_, 37, _, _, _) where length == 15: return "amex"
        case (_, _, _, 6011, _) where (16...19).contains(length), (_, 65, _, _, _) where (16...19).contains(length),
             (_, _, 644...649, _, _) where (16...19).contains(length): return "discover"
        case (_, _, _, 3528...3589, _) where (16...19).contains(length): return "jcb"
        case (_, _, 300...305, _, _) where (14...19).contains(length), (_, 36, _, _, _) where (14...19).contains(length),
             (_, 38, _, _, _) where (14...19).contains(length): return "diners"
        case (_, 62, _, _, _) where (16...19).contains(length): return "unionpay"
        case (_, 50, _, _, _) where (12...19).contains(length), (_, 56...69, _, _, _) where (12...19).contains(length): return "maestro"
        case (_, _, _, _, 222100...272099) where length == 16: return "mastercard"
        default: return nil
        }
    }

    /// A US Social Security number the SSA could have issued: area 001–899 except 666, group
    /// 01–99, serial 0001–9999.
    static func validSSN(area: Int, group: Int, serial: Int) -> Bool {
        (1...899).contains(area) && area != 666 && (1...99).contains(group) && (1...9999).contains(serial)
    }

    /// IBAN lengths by country (ISO 13616 registry).
    static let ibanLengths: [String: Int] = [
        "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22, "BR": 29, "BY": 28,
        "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "DO": 28, "EE": 20, "EG": 29, "ES": 24, "FI": 18,
        "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28, "HR": 21, "HU": 28, "IE": 22,
        "IL": 23, "IQ": 23, "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LC": 32, "LI": 21, "LT": 20,
        "LU": 20, "LV": 21, "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MR": 27, "MT": 31, "MU": 30, "NL": 18, "NO": 15,
        "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "SA": 24, "SC": 31, "SE": 24, "SI": 19,
        "SK": 24, "SM": 27, "ST": 25, "SV": 28, "TL": 23, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20,
    ]

    /// ISO 7064 mod 97-10 over an IBAN without spaces (uppercase letters and digits).
    static func ibanChecksum(_ characters: [UInt8]) -> Bool {
        guard characters.count > 4 else { return false }
        let rearranged = characters[4...] + characters[..<4]
        var remainder = 0
        for byte in rearranged {
            switch byte {
            case 0x30...0x39:
                remainder = (remainder * 10 + Int(byte - 0x30)) % 97
            case 0x41...0x5A:
                remainder = (remainder * 100 + Int(byte - 0x41 + 10)) % 97
            default:
                return false
            }
        }
        return remainder == 1
    }

    /// Shannon entropy in bits per character.
    static func entropy(_ bytes: some Collection<UInt8>) -> Double {
        guard !bytes.isEmpty else { return 0 }
        // The counts live on the stack: this runs for every credential-shaped value.
        return withUnsafeTemporaryAllocation(of: Int.self, capacity: 256) { counts in
            counts.initialize(repeating: 0)
            for byte in bytes { counts[Int(byte)] += 1 }
            let total = Double(bytes.count)
            var bits = 0.0
            for count in counts where count > 0 {
                let p = Double(count) / total
                bits -= p * log2(p)
            }
            return bits
        }
    }

    /// How many of lowercase, uppercase, digits and other characters appear.
    static func characterClasses(_ bytes: some Sequence<UInt8>) -> Int {
        var lower = false, upper = false, digit = false, other = false
        for byte in bytes {
            switch byte {
            case 0x61...0x7A: lower = true
            case 0x41...0x5A: upper = true
            case 0x30...0x39: digit = true
            default: other = true
            }
        }
        return [lower, upper, digit, other].filter { $0 }.count
    }
}
