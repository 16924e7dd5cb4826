import ArgumentParser
import Dispatch
import Foundation
import PalisadeKafka

/// `palisade dev-broker`: librdkafka's mock cluster with the topic catalog, until SIGTERM.
struct DevBrokerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dev-broker",
        abstract: "Run an in-memory Kafka-protocol broker on 127.0.0.1 for local use and tests."
    )

    @Option(help: "Where to write the bootstrap address (host:port,...).")
    var addressFile: String

    @Option(help: "How many brokers the mock cluster has.")
    var brokers: Int32 = 1

    func run() async throws {
        let broker = try DevBroker(brokerCount: brokers, topics: TopicSpec.catalog)
        // Write then rename, so a reader never sees a half-written address.
        let temporary = addressFile + ".tmp"
        try Data((broker.bootstrapServers + "\n").utf8).write(to: URL(fileURLWithPath: temporary))
        guard rename(temporary, addressFile) == 0 else {
            throw ValidationError("cannot write \(addressFile): errno \(errno)")
        }
        print("dev broker listening on \(broker.bootstrapServers) with \(TopicSpec.catalog.count) topics")
        let signal = await Signals.waitForTermination()
        print("dev broker stopping on \(signal)")
        try? FileManager.default.removeItem(atPath: addressFile)
        withExtendedLifetime(broker) {}
    }
}

/// Waits for SIGTERM or SIGINT without installing a process-killing default handler.
enum Signals {
    static func waitForTermination() async -> String {
        await withCheckedContinuation { continuation in
            let queue = DispatchQueue(label: "palisade.signals")
            let resumed = ManagedResumption(continuation)
            var sources: [any DispatchSourceSignal] = []
            for (number, name) in [(SIGTERM, "SIGTERM"), (SIGINT, "SIGINT")] {
                signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
                source.setEventHandler { resumed.resume(name) }
                source.resume()
                sources.append(source)
            }
            Retained.sources = sources
        }
    }

    /// Keeps the signal sources alive for the life of the process.
    enum Retained {
        nonisolated(unsafe) static var sources: [any DispatchSourceSignal] = []
    }
}

/// Resumes a continuation at most once, from whichever signal comes first.
final class ManagedResumption: @unchecked Sendable {
    // @unchecked Sendable: `continuation` is only touched on the serial signal queue.
    private var continuation: CheckedContinuation<String, Never>?
    init(_ continuation: CheckedContinuation<String, Never>) { self.continuation = continuation }
    func resume(_ value: String) {
        continuation?.resume(returning: value)
        continuation = nil
    }
}
