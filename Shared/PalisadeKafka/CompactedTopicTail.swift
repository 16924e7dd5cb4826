/// What a compacted topic will leave a newcomer: the last record of each key, by offset, as
/// far as this reader has read, and where each partition's reading got to.
///
/// Compaction keeps a key's last record, not its highest version: when two publications of a
/// key land out of order, the older one is what survives, so whoever checks what a new
/// reader will find must look at the last record, not the best one.
public struct CompactedTopicTail<Value: Sendable>: Sendable {
    public struct Record: Sendable {
        public var partition: Int32
        public var offset: Int64
        public var value: Value
    }

    public private(set) var records: [String: Record] = [:]
    /// The next offset to read in each partition read so far.
    public private(set) var positions: [Int32: Int64] = [:]

    public init() {}

    /// Takes the next record read. A record at or before one already read in its partition
    /// means the partition's log was replaced (the reader started it again from the start of
    /// a new log): what was known of that partition is forgotten first, and true returned.
    @discardableResult
    public mutating func note(key: String, partition: Int32, offset: Int64, value: Value) -> Bool {
        let replaced = positions[partition].map { offset < $0 } ?? false
        if replaced { forget(partition) }
        records[key] = Record(partition: partition, offset: offset, value: value)
        positions[partition] = offset + 1
        return replaced
    }

    /// Forgets every partition whose log ends before where this reader had got: in one log the
    /// end only moves on, so such a log was replaced. `ends` are high watermarks asked after
    /// `positions` was copied into `read`: compared with positions copied later, a record
    /// written and read in between would pass for a replaced log. A partition read further
    /// since is left alone (what was read since, it read from the new log, after taking its
    /// first offset as the sign). Returns the partitions forgotten.
    public mutating func forgetReplaced(ends: [Int32: Int64], read: [Int32: Int64]) -> [Int32] {
        let replaced = read.compactMap { partition, position in
            (ends[partition] ?? 0) < position && positions[partition] == position ? partition : nil
        }.sorted()
        for partition in replaced { forget(partition) }
        return replaced
    }

    /// True once every record before `ends` (high watermarks) has been read.
    public func hasRead(upTo ends: [Int32: Int64]) -> Bool {
        ends.allSatisfy { partition, end in end <= 0 || (positions[partition] ?? 0) >= end }
    }

    private mutating func forget(_ partition: Int32) {
        records = records.filter { $0.value.partition != partition }
        positions[partition] = nil
    }
}
