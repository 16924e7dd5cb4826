import Crypto
import Foundation

/// The hash chain of one tenant's audit ledger:
/// `hash_n = SHA-256(hash_{n-1} ‖ canonical bytes of record n)`, `hash_0` = 32 zero bytes.
public enum AuditChain {
    public static let genesis = [UInt8](repeating: 0, count: 32)

    public static func link(previous: [UInt8], record: LedgerRecord) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(data: previous)
        hasher.update(data: record.canonicalBytes)
        return Array(hasher.finalize())
    }
}

/// Walks a chain in sequence order, page by page, and stops at the first record whose stored
/// hash differs from the recomputed one. Edits, deletions and reorders all surface there:
/// an edit changes that record's bytes; a deletion or reorder breaks the next record's link
/// (or its expected sequence number).
public struct ChainVerifier: Sendable {
    public private(set) var checked: Int64 = 0
    public private(set) var head: [UInt8] = AuditChain.genesis
    public private(set) var failure: ChainFailure?

    public init() {}

    /// Feeds the next record and its stored hash; false once the chain is broken.
    @discardableResult
    public mutating func feed(_ record: LedgerRecord, storedHash: [UInt8]) -> Bool {
        guard failure == nil else { return false }
        let expectedSequence = checked + 1
        let recomputed = AuditChain.link(previous: head, record: record)
        if record.sequence != expectedSequence {
            failure = ChainFailure(sequence: min(record.sequence, expectedSequence),
                                   reason: "expected sequence \(expectedSequence), found \(record.sequence)")
            return false
        }
        guard recomputed == storedHash else {
            failure = ChainFailure(sequence: record.sequence, reason: "stored hash does not match the recomputed hash")
            return false
        }
        head = storedHash
        checked = record.sequence
        return true
    }

    /// Compares the end of the walk with the recorded head (catches a deleted tail).
    public mutating func finish(headSequence: Int64, headHash: [UInt8]) {
        guard failure == nil else { return }
        if headSequence != checked || headHash != head {
            failure = ChainFailure(sequence: checked + 1,
                                   reason: "the chain ends at sequence \(checked) but its head records \(headSequence)")
        }
    }
}

public struct ChainFailure: Sendable, Equatable {
    public let sequence: Int64
    public let reason: String
}
