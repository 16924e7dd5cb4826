import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// An open-loop HTTP/1.1 load from one event-loop thread: request `n` is due at start + n/rate
/// and its latency runs from that moment (not from when a connection was free), so a stall
/// shows in full instead of delaying the requests behind it. The client's own work per request
/// is a pooled keep-alive connection and NIO's HTTP codec, with no task hops, so on a machine
/// shared with the server it takes as little of the cores as a client can.
public enum PacedLoad {
    /// One request as written on the wire.
    public struct Request: Sendable {
        public var head: HTTPRequestHead
        public var body: ByteBuffer

        public static func post(_ url: URL, headers: [(String, String)], body: ByteBuffer) -> Request {
            request(.POST, url, headers: headers, body: body)
        }

        public static func get(_ url: URL, headers: [(String, String)]) -> Request {
            request(.GET, url, headers: headers, body: ByteBuffer())
        }

        private static func request(_ method: HTTPMethod, _ url: URL, headers: [(String, String)], body: ByteBuffer) -> Request {
            var fields = HTTPHeaders(headers)
            fields.replaceOrAdd(name: "Host", value: "\(url.host ?? "127.0.0.1"):\(url.port ?? 80)")
            if method == .POST { fields.replaceOrAdd(name: "Content-Length", value: String(body.readableBytes)) }
            var target = url.path.isEmpty ? "/" : url.path
            if let query = url.query { target += "?" + query }
            return Request(head: HTTPRequestHead(version: .http1_1, method: method, uri: target, headers: fields), body: body)
        }
    }

    /// At most this many connections are opened; requests due while all are busy wait (and count
    /// the wait in their latency).
    public static let maximumConnections = 256

    /// `rate` requests a second for one warm-up second plus `seconds`, to `url`'s host and port;
    /// `request(n)` is request `n`. Latencies of the warm-up second are left out.
    public static func measure(_ url: URL, rate: Int, seconds: Int, request: @escaping @Sendable (Int) -> Request) async throws -> OpenLoop.Result {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loop = group.next()
        let run = Run(loop: loop, host: url.host ?? "127.0.0.1", port: url.port ?? 80, rate: rate, total: rate * (seconds + 1),
                      request: request)
        let result: OpenLoop.Result
        do {
            result = try await loop.flatSubmit { run.start(warmUp: rate) }.get()
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
        try await group.shutdownGracefully()
        return result
    }

    /// One measurement's state; every member is touched only on `loop`.
    private final class Run: @unchecked Sendable {
        let loop: any EventLoop
        let host: String
        let port: Int
        let interval: Int64
        let total: Int
        let request: @Sendable (Int) -> Request
        var start = NIODeadline.now()
        var nextIndex = 0
        var idle: [Connection] = []
        var open: [ObjectIdentifier: Connection] = [:]
        var connecting = 0
        /// Due requests waiting for a connection, oldest first from `pendingHead`.
        var pending: [Int] = []
        var pendingHead = 0
        var latencies: [Double]
        var failures: [Bool]
        var finished = 0
        var firstFailure: String?
        var done: EventLoopPromise<OpenLoop.Result>?
        var warmUp = 0

        init(loop: any EventLoop, host: String, port: Int, rate: Int, total: Int, request: @escaping @Sendable (Int) -> Request) {
            self.loop = loop
            self.host = host
            self.port = port
            self.interval = 1_000_000_000 / Int64(rate)
            self.total = total
            self.request = request
            latencies = Array(repeating: .nan, count: total)
            failures = Array(repeating: false, count: total)
        }

        func due(_ index: Int) -> NIODeadline { start + .nanoseconds(interval * Int64(index)) }

        func start(warmUp: Int) -> EventLoopFuture<OpenLoop.Result> {
            loop.preconditionInEventLoop()
            self.warmUp = warmUp
            let promise = loop.makePromise(of: OpenLoop.Result.self)
            done = promise
            // A few connections ready before the first request; more open as the load needs them.
            for _ in 0..<8 { connect() }
            start = .now() + .milliseconds(50)
            loop.scheduleTask(deadline: start) { self.tick() }
            // Whatever is unanswered 10 s after the last request is due has failed.
            loop.scheduleTask(deadline: due(total) + .seconds(10)) { self.finish() }
            return promise.futureResult
        }

        func tick() {
            let now = NIODeadline.now()
            while nextIndex < total, due(nextIndex) <= now {
                dispatch(nextIndex)
                nextIndex += 1
            }
            if nextIndex < total { loop.scheduleTask(deadline: due(nextIndex)) { self.tick() } }
        }

        func dispatch(_ index: Int) {
            if let connection = idle.popLast() {
                send(index, on: connection)
                return
            }
            pending.append(index)
            if open.count + connecting < PacedLoad.maximumConnections { connect() }
        }

        func send(_ index: Int, on connection: Connection) {
            let request = request(index)
            connection.reader.inFlight = index
            let channel = connection.channel
            channel.write(HTTPClientRequestPart.head(request.head), promise: nil)
            if request.body.readableBytes > 0 { channel.write(HTTPClientRequestPart.body(.byteBuffer(request.body)), promise: nil) }
            channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
        }

        func connect() {
            connecting += 1
            ClientBootstrap(group: loop)
                .channelOption(.tcpOption(.tcp_nodelay), value: 1)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHTTPClientHandlers()
                        try channel.pipeline.syncOperations.addHandler(ResponseReader(run: self))
                    }
                }
                .connect(host: host, port: port)
                .whenComplete { result in
                    self.connecting -= 1
                    switch result {
                    case .success(let channel):
                        guard let reader = try? channel.pipeline.syncOperations.handler(type: ResponseReader.self) else { return }
                        let connection = Connection(channel: channel, reader: reader)
                        self.open[ObjectIdentifier(channel)] = connection
                        self.available(connection)
                    case .failure(let error):
                        // A request that waited for this connection fails rather than waiting forever.
                        if let index = self.takePending() { self.complete(index, ok: false, failure: "\(error)") }
                    }
                }
        }

        func takePending() -> Int? {
            guard pendingHead < pending.count else { return nil }
            defer {
                pendingHead += 1
                if pendingHead == pending.count {
                    pending.removeAll(keepingCapacity: true)
                    pendingHead = 0
                }
            }
            return pending[pendingHead]
        }

        func available(_ connection: Connection) {
            if let index = takePending() { send(index, on: connection) } else { idle.append(connection) }
        }

        func answered(_ index: Int, status: HTTPResponseStatus, body: String, on channel: any Channel) {
            let ok = (200..<300).contains(Int(status.code))
            complete(index, ok: ok, failure: ok ? nil : "HTTP \(status.code) \(body)")
            if let connection = open[ObjectIdentifier(channel)], channel.isActive { available(connection) }
        }

        func closed(_ channel: any Channel, inFlight: Int?) {
            open[ObjectIdentifier(channel)] = nil
            idle.removeAll { $0.channel === channel }
            if let inFlight { complete(inFlight, ok: false, failure: "connection closed") }
        }

        func complete(_ index: Int, ok: Bool, failure: String? = nil) {
            guard latencies[index].isNaN else { return }
            if !ok, firstFailure == nil { firstFailure = failure }
            latencies[index] = Double((NIODeadline.now() - due(index)).nanoseconds) / 1_000_000
            failures[index] = !ok
            finished += 1
            if finished == total { finish() }
        }

        func finish() {
            guard let promise = done else { return }
            done = nil
            var measured: [Double] = []
            var failed = 0
            for index in warmUp..<total {
                if failures[index] || latencies[index].isNaN { failed += 1 }
                if !latencies[index].isNaN { measured.append(latencies[index]) }
            }
            for connection in open.values { connection.channel.close(promise: nil) }
            if let path = ProcessInfo.processInfo.environment["PALISADE_BENCH_TRACE"] {
                let lines = latencies[warmUp...].map { String(format: "%.3f", $0) }.joined(separator: "\n")
                let file = path + "." + String(Int(Date().timeIntervalSince1970))
                if !FileManager.default.createFile(atPath: file, contents: Data(lines.utf8)) { print("could not write the latency trace to \(file)") }
            }
            if failed > 0, firstFailure == nil { firstFailure = "no answer within 10 s" }
            promise.succeed(OpenLoop.Result(milliseconds: measured.sorted(), failed: failed, firstFailure: firstFailure))
        }
    }

    private struct Connection {
        let channel: any Channel
        let reader: ResponseReader
    }

    /// Reads one response at a time off a keep-alive connection and reports it to the run.
    private final class ResponseReader: ChannelInboundHandler {
        typealias InboundIn = HTTPClientResponsePart
        let run: Run
        var inFlight: Int?
        var status: HTTPResponseStatus = .ok
        /// The start of a failed answer's body, for the report.
        var failedBody = ""

        init(run: Run) { self.run = run }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head):
                status = head.status
                failedBody = ""
            case .body(let buffer):
                if !(200..<300).contains(Int(status.code)), failedBody.count < 200 {
                    failedBody += String(buffer: buffer).prefix(200 - failedBody.count)
                }
            case .end:
                guard let index = inFlight else { return }
                inFlight = nil
                run.answered(index, status: status, body: failedBody, on: context.channel)
            }
        }

        func channelInactive(context: ChannelHandlerContext) {
            let index = inFlight
            inFlight = nil
            run.closed(context.channel, inFlight: index)
            context.fireChannelInactive()
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            context.close(promise: nil)
        }
    }
}
