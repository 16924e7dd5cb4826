import Foundation

/// Where a record lies in its topic: a partition and an offset in it.
public struct StreamPosition: Sendable, Equatable {
    public var partition: Int32
    public var offset: Int64

    public init(partition: Int32, offset: Int64) {
        self.partition = partition
        self.offset = offset
    }
}

/// One route's trigger state: its windows, which triggers hold on it now, and the newest
/// event in them from each partition, so a redelivered event is not counted twice.
public struct TriggerRouteState: Sendable, Equatable {
    /// A trigger of a pack.
    struct Firing: Hashable, Sendable {
        var pack: String
        var trigger: String
    }

    public internal(set) var activity = RouteActivity()
    /// The triggers holding now: each fires again only after it stopped holding.
    var firing: Set<Firing> = []
    /// The newest event counted, when events came with positions: where the route's events
    /// come from now.
    public internal(set) var position: StreamPosition?
    /// The newest offset counted in each partition the route's events came from. They come
    /// from one partition at a time (the runtime topic is keyed by tenant), but a change in
    /// the topic's partition count moves a tenant to another one, and what the old partition
    /// redelivers after that is still recognised.
    private(set) var newestOffsets: [Int32: Int64] = [:]
    /// How many times the log these offsets refer to was found replaced by a new one (the
    /// topic recreated, the cluster replaced): a checkpoint of a later generation replaces
    /// one of an earlier generation whatever their offsets say.
    public private(set) var logGeneration: Int64 = 0

    public init() {}

    /// Whether the windows already count the event at `position`: within a partition events
    /// come in order, so anything at or before the newest counted is a redelivery.
    func counts(_ position: StreamPosition?) -> Bool {
        guard let position, let newest = newestOffsets[position.partition] else { return false }
        return position.offset <= newest
    }

    /// What an event at `position` is to these windows.
    enum Admission {
        /// Not counted yet: to count.
        case new
        /// Counted already.
        case redelivery
        /// To count, in a log that replaced the one the offsets were counted in: they are
        /// forgotten (the windows keep their events, which happened) and the generation moved on.
        case newLog
    }

    /// Whether the event at `position` is still to be counted, given its partition's high
    /// watermark (`partitionEnd`): as `counts`, except that a newest counted offset at or past
    /// the watermark was counted in another log (a log's high watermark is past every offset
    /// in it), which this one replaced.
    mutating func admit(_ position: StreamPosition?, partitionEnd: Int64?) -> Admission {
        guard counts(position) else { return .new }
        guard let position, let partitionEnd, let newest = newestOffsets[position.partition], newest >= partitionEnd else { return .redelivery }
        newestOffsets.removeAll()
        self.position = nil
        logGeneration += 1
        return .newLog
    }

    /// Notes that the event at `position` is counted.
    mutating func counted(_ position: StreamPosition) {
        self.position = position
        newestOffsets[position.partition] = max(newestOffsets[position.partition] ?? -1, position.offset)
    }
}

// MARK: Snapshots

/// The state as bytes for the checkpoint table, and back. Only buckets with events are
/// written, and only their non-zero latency bins: a busy route's day is a few KB, not the 45
/// KB it holds in memory.
///
/// Format 3, little-endian: version; newest minute; position (partition -1 when none); the
/// newest offset of each partition (a 16-bit count of partition and offset pairs); the log
/// generation; the firing triggers (pack and trigger as UTF-8 with a 16-bit length); then the
/// minute buckets and the hour buckets, each a count and, per bucket, its slot, period,
/// events, errors, cost (IEEE 754 bits) and (bin, count) pairs. Formats 1 (without the newest
/// offsets: its position was the only partition it knew) and 2 (without the generation: 0)
/// are still read.
extension TriggerRouteState {
    static let snapshotVersion: UInt8 = 3

    public struct SnapshotError: Error, CustomStringConvertible {
        public var description: String
    }

    public var snapshot: [UInt8] {
        var writer = SnapshotWriter()
        writer.put(Self.snapshotVersion)
        writer.put(activity.latestMinute)
        writer.put(position?.partition ?? -1)
        writer.put(position?.offset ?? -1)
        let offsets = newestOffsets.sorted { $0.key < $1.key }.prefix(Int(UInt16.max))
        writer.put(UInt16(offsets.count))
        for (partition, offset) in offsets {
            writer.put(partition)
            writer.put(offset)
        }
        writer.put(logGeneration)
        let firings = firing.sorted { ($0.pack, $0.trigger) < ($1.pack, $1.trigger) }
        writer.put(UInt16(clamping: firings.count))
        for firing in firings.prefix(Int(UInt16.max)) {
            writer.put(firing.pack)
            writer.put(firing.trigger)
        }
        Self.write(activity.minutes, to: &writer)
        Self.write(activity.hours, to: &writer)
        return writer.bytes
    }

    /// The newest offset counted in each partition as a JSON object keyed by partition
    /// (`{"0":80,"3":12}`), for the checkpoint table to tell a stale save from a newer one.
    public var newestOffsetsJSON: String {
        let members = newestOffsets.sorted { $0.key < $1.key }.map { "\"\($0.key)\":\($0.value)" }
        return "{" + members.joined(separator: ",") + "}"
    }

    public init(snapshot bytes: [UInt8]) throws(SnapshotError) {
        var reader = SnapshotReader(bytes)
        let version = try reader.byte()
        guard (1...Self.snapshotVersion).contains(version) else { throw SnapshotError(description: "unknown snapshot version") }
        self.init()
        activity.latestMinute = try reader.integer(Int64.self)
        let partition = try reader.integer(Int32.self)
        let offset = try reader.integer(Int64.self)
        if partition >= 0 { position = StreamPosition(partition: partition, offset: offset) }
        if version == 1 {
            if let position { newestOffsets[position.partition] = position.offset }
        } else {
            for _ in 0..<Int(try reader.integer(UInt16.self)) {
                let partition = try reader.integer(Int32.self)
                guard partition >= 0, newestOffsets[partition] == nil else { throw SnapshotError(description: "partition out of range or twice") }
                newestOffsets[partition] = try reader.integer(Int64.self)
            }
        }
        if version >= 3 {
            logGeneration = try reader.integer(Int64.self)
            guard logGeneration >= 0 else { throw SnapshotError(description: "negative log generation") }
        }
        for _ in 0..<Int(try reader.integer(UInt16.self)) {
            firing.insert(Firing(pack: try reader.text(), trigger: try reader.text()))
        }
        activity.minutes = try Self.read(slots: RouteActivity.minuteSlots, from: &reader)
        activity.hours = try Self.read(slots: RouteActivity.hourSlots, from: &reader)
        guard reader.isAtEnd else { throw SnapshotError(description: "bytes after the snapshot") }
    }

    private static func write(_ buckets: [RouteActivity.Bucket], to writer: inout SnapshotWriter) {
        let used = buckets.indices.filter { buckets[$0].count > 0 }
        writer.put(UInt8(used.count))
        for slot in used {
            let bucket = buckets[slot]
            writer.put(UInt8(slot))
            writer.put(bucket.index)
            writer.put(Int64(bucket.count))
            writer.put(Int64(bucket.errors))
            writer.put(bucket.cost.bitPattern)
            let bins = bucket.latency.indices.filter { bucket.latency[$0] > 0 }
            writer.put(UInt8(bins.count))
            for bin in bins {
                writer.put(UInt8(bin))
                writer.put(bucket.latency[bin])
            }
        }
    }

    private static func read(slots: Int, from reader: inout SnapshotReader) throws(SnapshotError) -> [RouteActivity.Bucket] {
        var buckets = [RouteActivity.Bucket](repeating: RouteActivity.Bucket(), count: slots)
        for _ in 0..<Int(try reader.byte()) {
            let slot = Int(try reader.byte())
            let index = try reader.integer(Int64.self)
            // A bucket lives in the slot of its period: anything else is not a snapshot we wrote.
            guard slot < slots, index.modulo(Int64(slots)) == Int64(slot), buckets[slot].index == -1 else {
                throw SnapshotError(description: "bucket in the wrong slot")
            }
            buckets[slot].reset(to: index)
            let count = try reader.integer(Int64.self)
            let errors = try reader.integer(Int64.self)
            guard count > 0, errors >= 0, errors <= count else { throw SnapshotError(description: "bucket counts out of range") }
            buckets[slot].count = Int(count)
            buckets[slot].errors = Int(errors)
            buckets[slot].cost = Double(bitPattern: try reader.integer(UInt64.self))
            for _ in 0..<Int(try reader.byte()) {
                let bin = Int(try reader.byte())
                guard bin < RouteActivity.bins else { throw SnapshotError(description: "latency bin out of range") }
                buckets[slot].latency[bin] = try reader.integer(UInt32.self)
            }
        }
        return buckets
    }
}

private struct SnapshotWriter {
    var bytes: [UInt8] = []

    mutating func put(_ byte: UInt8) { bytes.append(byte) }

    mutating func put<Integer: FixedWidthInteger>(_ value: Integer) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func put(_ text: String) {
        let utf8 = Array(text.utf8.prefix(Int(UInt16.max)))
        put(UInt16(utf8.count))
        bytes.append(contentsOf: utf8)
    }
}

private struct SnapshotReader {
    private let bytes: [UInt8]
    private var index = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var isAtEnd: Bool { index == bytes.count }

    mutating func byte() throws(TriggerRouteState.SnapshotError) -> UInt8 {
        try integer(UInt8.self)
    }

    mutating func integer<Integer: FixedWidthInteger>(_: Integer.Type) throws(TriggerRouteState.SnapshotError) -> Integer {
        let size = MemoryLayout<Integer>.size
        guard bytes.count - index >= size else { throw TriggerRouteState.SnapshotError(description: "snapshot cut short") }
        var value = Integer.zero
        for offset in 0..<size { value |= Integer(truncatingIfNeeded: bytes[index + offset]) << (8 * offset) }
        index += size
        return value
    }

    mutating func text() throws(TriggerRouteState.SnapshotError) -> String {
        let count = Int(try integer(UInt16.self))
        guard bytes.count - index >= count else { throw TriggerRouteState.SnapshotError(description: "snapshot cut short") }
        defer { index += count }
        return String(decoding: bytes[index..<(index + count)], as: UTF8.self)
    }
}
