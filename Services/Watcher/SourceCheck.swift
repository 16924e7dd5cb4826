import AsyncHTTPClient
import Crypto
import Foundation
import Logging
import Metrics
import NIOCore
import PalisadeAuth
import PalisadeEvents
import PalisadeKafka
import SwiftProtobuf

/// One look at a watched document: a conditional GET, and a change event when its content
/// differs from the last version seen. The first version seen is the baseline.
struct SourceCheck: Sendable {
    static let contentLimit = 1 << 20

    let store: SourceStore
    let producer: KafkaProducer
    /// How long a document may take to answer; a check that times out is recorded as unreachable.
    let fetchTimeout: Duration
    let logger: Logger

    func run(watcherID: UUID, tenantID: UUID) async throws {
        guard let watched = try await store.load(watcherID, tenantID: tenantID, logger: logger) else { return }
        let source = watched.source
        var request = HTTPClientRequest(url: source.url)
        request.headers.add(name: "User-Agent", value: "palisade-watcher")
        if let etag = watched.etag { request.headers.add(name: "If-None-Match", value: etag) }
        if let modified = watched.lastModified { request.headers.add(name: "If-Modified-Since", value: modified) }
        let metadata: Logger.Metadata = ["tenant_id": "\(tenantID)", "watcher_id": "\(watcherID)"]

        let status: Int
        let body: ByteBuffer
        let etag: String?
        let lastModified: String?
        do {
            let response = try await HTTPClient.shared.execute(request, timeout: .init(fetchTimeout))
            status = Int(response.status.code)
            etag = response.headers.first(name: "ETag")
            lastModified = response.headers.first(name: "Last-Modified")
            body = try await response.body.collect(upTo: Self.contentLimit)
        } catch {
            // Stopped by the service's shutdown: nothing was learned about the document.
            if Task.isCancelled { throw CancellationError() }
            logger.warning("watched document unreachable", metadata: metadata.merging(["error": "\(error)"]) { $1 })
            try await store.recordCheck(watcherID, tenantID: tenantID, status: "unreachable", failed: true, etag: nil, lastModified: nil,
                                        content: nil, intervalSeconds: source.intervalSeconds, logger: logger)
            return
        }
        guard status == 200 else {
            try await store.recordCheck(watcherID, tenantID: tenantID, status: status == 304 ? "not_modified" : "http_\(status)", failed: status != 304,
                                        etag: nil, lastModified: nil, content: nil, intervalSeconds: source.intervalSeconds, logger: logger)
            return
        }
        let text = String(decoding: body.readableBytesView, as: UTF8.self)
        let hash = Hex.encode(SHA256.hash(data: Data(text.utf8)))
        if let previousHash = watched.contentHash, previousHash != hash {
            let routes = try await store.routes(of: source.provider, scope: .service("watcher", tenantID: tenantID), logger: logger)
            let change = ChangeEventBuilder.event(for: source, tenantID: tenantID, oldContent: watched.content ?? "",
                                                  newContent: text, newHash: hash, routes: routes)
            // Published before the new version is recorded: a crash in between finds the change
            // again next time, under the same event id, which consumers dedupe.
            _ = try await producer.send([KafkaRecord(topic: .change, tenantID: change.tenantID, protobuf: try change.serializedBytes(),
                                                     trace: RecordTrace(requestID: change.requestID))])
            Counter(label: "palisade_watcher_changes_total").increment()
            logger.info("watched document changed", metadata: metadata.merging(["event_id": "\(change.eventID)"]) { $1 })
        }
        try await store.recordCheck(watcherID, tenantID: tenantID, status: watched.contentHash == hash ? "unchanged" : "changed",
                                    etag: etag, lastModified: lastModified,
                                    content: (hash, text), intervalSeconds: source.intervalSeconds, logger: logger)
    }
}
