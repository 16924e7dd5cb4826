import Foundation
import Prometheus
import Testing
@testable import PalisadeService

@Suite struct ProcessMetricsTests {
    @Test func statFieldsAreCountedFromTheLastParenthesis() throws {
        // A command name with a space and a ") " inside, as a process may name itself.
        let line = "20838 (my (odd) name) R 20835 20835 7354 0 -1 4194304 98 0 0 0 125 37 0 0 20 0 1 0 4663815 3133440 363 "
            + "18446744073709551615 94376814587904 94376814607785 140731110647712 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n"
        let stat = try #require(ProcessStat(parsing: line))
        #expect(stat.userTicks == 125 && stat.systemTicks == 37)
        #expect(stat.startTicks == 4_663_815)
        #expect(stat.virtualBytes == 3_133_440 && stat.residentPages == 363)
    }

    @Test func aCutOffStatLineIsRefused() {
        #expect(ProcessStat(parsing: "20838 (cat) R 20835 20835 7354 0 -1 4194304 98 0 0 0 125") == nil)
        #expect(ProcessStat(parsing: "no parenthesis here") == nil)
    }

    @Test func bootTimeIsTheBtimeLine() {
        #expect(ProcessStat.bootTime(parsing: "cpu  1 2 3\nbtime 1796380000\nprocesses 10\n") == 1_796_380_000)
        #expect(ProcessStat.bootTime(parsing: "cpu  1 2 3\n") == nil)
    }

    #if os(Linux)
    @Test func theRegistryCarriesThisProcesssFigures() throws {
        let registry = PrometheusCollectorRegistry()
        let metrics = ProcessMetrics(registry: registry)
        // Busy for 50 ms, so that the process has used at least one clock tick of CPU.
        let clock = ContinuousClock()
        let started = clock.now
        while clock.now - started < .milliseconds(50) {}
        metrics.update()
        var bytes: [UInt8] = []
        registry.emit(into: &bytes)
        let text = String(decoding: bytes, as: UTF8.self)
        func value(_ name: String) -> Double? {
            text.split(separator: "\n").first { $0.hasPrefix(name + " ") }.flatMap { $0.split(separator: " ").last }.flatMap { Double($0) }
        }
        #expect(try #require(value("process_cpu_seconds_total")) > 0)
        #expect(try #require(value("process_resident_memory_bytes")) > 1_000_000)
        #expect(try #require(value("process_virtual_memory_bytes")) >= value("process_resident_memory_bytes") ?? .infinity)
        #expect(try #require(value("process_open_fds")) >= 3)
        #expect(try #require(value("process_max_fds")) >= value("process_open_fds") ?? .infinity)
        // Started after 2020 and not in the future.
        let start = try #require(value("process_start_time_seconds"))
        #expect(start > 1_577_836_800 && start <= Date().timeIntervalSince1970 + 1)
    }
    #endif
}
