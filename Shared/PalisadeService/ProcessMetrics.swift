#if canImport(Glibc)
import Glibc
#endif
import Prometheus
import Synchronization

/// The process's own figures under Prometheus's standard names, read from `/proc` when
/// `/metrics` is scraped: CPU time, resident and virtual memory, open and allowed file
/// descriptors, start time. They let an operator (and the gateway benchmark) divide a
/// service's CPU by the requests it served. Where there is no `/proc` they stay at zero.
/// Made once per registry, by `Observability.processMetrics`.
final class ProcessMetrics: Sendable {
    private let cpu: Counter
    private let resident: Gauge
    private let virtual: Gauge
    private let openFiles: Gauge
    private let maximumFiles: Gauge
    private let started: Gauge
    /// CPU seconds already added to `cpu` (a Prometheus counter only goes up by increments).
    /// A second instance on the same registry would count the time twice.
    private let countedCPU = Mutex<Double>(0)

    init(registry: PrometheusCollectorRegistry) {
        cpu = registry.makeCounter(name: "process_cpu_seconds_total", help: "User and system CPU time spent, in seconds.")
        resident = registry.makeGauge(name: "process_resident_memory_bytes", help: "Resident memory size in bytes.")
        virtual = registry.makeGauge(name: "process_virtual_memory_bytes", help: "Virtual memory size in bytes.")
        openFiles = registry.makeGauge(name: "process_open_fds", help: "Number of open file descriptors.")
        maximumFiles = registry.makeGauge(name: "process_max_fds", help: "Maximum number of open file descriptors.")
        started = registry.makeGauge(name: "process_start_time_seconds", help: "Start time of the process since the Unix epoch, in seconds.")
    }

    /// Reads `/proc` and sets every figure; a figure that cannot be read keeps its last value.
    func update() {
        #if os(Linux)
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        let pageSize = Double(sysconf(Int32(_SC_PAGESIZE)))
        if ticks > 0, let text = Self.read("/proc/self/stat"), let stat = ProcessStat(parsing: text) {
            let seconds = Double(stat.userTicks + stat.systemTicks) / ticks
            let added = countedCPU.withLock { counted in
                let added = max(0, seconds - counted)
                counted += added
                return added
            }
            if added > 0 { cpu.increment(by: added) }
            resident.set(Double(stat.residentPages) * pageSize)
            virtual.set(Double(stat.virtualBytes))
            if let boot = Self.read("/proc/stat").flatMap(ProcessStat.bootTime(parsing:)) {
                started.set(Double(boot) + Double(stat.startTicks) / ticks)
            }
        }
        if let count = Self.openDescriptors() { openFiles.set(Double(count)) }
        var limit = rlimit()
        if getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 { maximumFiles.set(Double(limit.rlim_cur)) }
        #endif
    }

    #if os(Linux)
    /// A small file of `/proc`, whole (these are a few hundred bytes; 64 KiB is a bound, not a size).
    private static func read(_ path: String) -> String? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while bytes.count < 65_536 {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            guard count > 0 else { break }
            bytes += chunk[0..<count]
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The entries of `/proc/self/fd`, less the one the listing itself holds open.
    private static func openDescriptors() -> Int? {
        guard let directory = opendir("/proc/self/fd") else { return nil }
        defer { closedir(directory) }
        var count = 0
        while let entry = readdir(directory) {
            let isDot = withUnsafeBytes(of: entry.pointee.d_name) { name in name.first == UInt8(ascii: ".") }
            if !isDot { count += 1 }
        }
        return max(0, count - 1)
    }
    #endif
}

/// The fields Palisade reads from `/proc/<pid>/stat` (proc(5)). The command name is in
/// parentheses and may itself hold spaces and parentheses, so fields are counted from the last `)`.
struct ProcessStat: Sendable {
    var userTicks: UInt64
    var systemTicks: UInt64
    var startTicks: UInt64
    var virtualBytes: UInt64
    var residentPages: UInt64

    init?(parsing text: String) {
        guard let close = text.lastIndex(of: ")") else { return nil }
        // After the name: field 3 (state) onwards, so field n is at index n - 3.
        let fields = text[text.index(after: close)...].split(separator: " ", omittingEmptySubsequences: true)
        func field(_ number: Int) -> UInt64? { number - 3 < fields.count ? UInt64(fields[number - 3]) : nil }
        guard let user = field(14), let system = field(15), let start = field(22), let virtual = field(23),
              let resident = field(24) else { return nil }
        userTicks = user
        systemTicks = system
        startTicks = start
        virtualBytes = virtual
        residentPages = resident
    }

    /// The `btime` line of `/proc/stat`: when the machine booted, in seconds since the epoch.
    static func bootTime(parsing text: String) -> UInt64? {
        text.split(separator: "\n").first { $0.hasPrefix("btime ") }.flatMap { UInt64($0.dropFirst(6)) }
    }
}
