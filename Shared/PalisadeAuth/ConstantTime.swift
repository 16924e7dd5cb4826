import Foundation

public enum ConstantTime {
    /// Equal lengths and bytes; every byte is visited whatever the first difference.
    public static func equal(_ left: Data, _ right: Data) -> Bool {
        guard left.count == right.count else { return false }
        var difference: UInt8 = 0
        for (a, b) in zip(left, right) { difference |= a ^ b }
        return difference == 0
    }
}
