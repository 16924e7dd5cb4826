import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import PalisadeGuard
import PalisadeKafka
import PalisadeService
import PalisadeStore

/// Relays a streamed completion through `StreamRelay`, then vaults what was redacted
/// reversibly and records the call's decision once the stream is over.
struct StreamingGuard: Sendable {
    let gateway: InlineGateway
    let provider: LLMProvider
    let route: ProxyRoute
    let scope: TenantScope
    let requestID: String
    let trace: RecordTrace
    let logger: Logger

    init(gateway: InlineGateway, provider: LLMProvider, route: ProxyRoute, scope: TenantScope, context: PalisadeRequestContext) {
        self.gateway = gateway
        self.provider = provider
        self.route = route
        self.scope = scope
        requestID = context.requestID
        trace = context.trace
        logger = context.logger
    }

    func relay(_ answer: HTTPClientResponse, call: CallRecord, upstreamStarted: ContinuousClock.Instant) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/event-stream"
        headers[.cacheControl] = "no-cache"
        headers[InlineGateway.decisionHeader] = call.decision
        let body = ResponseBody { writer in
            var call = call
            let vault = CallVault()
            var relay = StreamRelay(provider: provider, policy: OutputPolicy(route), window: route.streamHoldbackCharacters, vault: vault)
            var guardTime = Duration.zero
            let budget = Duration.milliseconds(route.detectorBudgetMilliseconds)
            do {
                for try await chunk in answer.body {
                    var out = ""
                    // The budget covers the scanning of the whole stream, not the provider's pace;
                    // once it is spent, the chunks after are not scanned.
                    if !relay.isBypassed, guardTime >= budget {
                        if route.failMode == "fail_open" {
                            out += try relay.bypass()
                            call.bypassed = true
                            call.decide(call.decision, reason: "output scan bypassed (fail_open)")
                            gateway.noteBypass(route: route, stage: "output scan", logger: logger)
                        } else {
                            out += relay.refuse(message: "the output scan did not finish within the route's budget and the route fails closed")
                            call.decide("block", reason: "output scan unavailable (fail_closed)")
                        }
                    }
                    if !relay.hasEnded {
                        let started = ContinuousClock.now
                        out += try relay.feed(chunk.readableBytesView)
                        guardTime += ContinuousClock.now - started
                    }
                    if !out.isEmpty { try await writer.write(ByteBuffer(string: out)) }
                    if relay.hasEnded { break }
                }
                let tail = try relay.finish()
                if !tail.isEmpty { try await writer.write(ByteBuffer(string: tail)) }
            } catch {
                // The provider's stream broke off, or the client went away: what was released
                // stays released, what was held is dropped.
                logger.warning("stream ended early", metadata: ["route": "\(route.routeID)", "error": "\(error)"])
            }
            let elapsed = ContinuousClock.now - upstreamStarted
            call.upstreamTime = max(.zero, elapsed - guardTime)
            let findings = relay.findings.filter { $0.confidence >= OutputPolicy.minimumConfidence }
            call.findings += findings.map { ("response", $0) }
            if let blocking = relay.blockedBy {
                call.decide("block", reason: "sensitive output (\(blocking.detector))")
            } else if !relay.isRefused, !relay.isBypassed, OutputPolicy(route).decision(for: findings) == "redact" {
                call.decide("redact", reason: "sensitive output redacted")
            }
            do {
                try await gateway.vault.store(vault.collected, scope: scope, requestID: requestID, logger: logger)
            } catch {
                logger.error("vaulted values not stored", metadata: ["error": "\(error)"])
            }
            CallTimers.record(call)
            gateway.publisher.record(call.message, trace: trace)
            try await writer.finish(nil)
        }
        return Response(status: .init(code: Int(answer.status.code)), headers: headers, body: body)
    }
}
