import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Metrics
import NIOCore
import PalisadeAuth
import PalisadeEvents
import PalisadeGuard
import PalisadePolicy
import PalisadeService
import PalisadeStore

/// The inline LLM gateway: `POST /v1/proxy/<provider>/…` (capability `proxy:use`). Every call
/// is authenticated and rate-limited by the edge, then: the route is resolved (header
/// `X-Palisade-Route`, else the route named after the provider), the prompt's untrusted text
/// is scanned for injection, the route's policy applied, the call forwarded with the tenant's
/// own provider key, and the completion — whole or streamed — scanned for personal data and
/// secrets and redacted or blocked. The decision is answered in `X-Palisade-Decision` and
/// sent to the decisions and audit topics after the call, never on its path.
struct InlineGateway: Sendable {
    let routes: ProxyRouteStore
    let keys: ProviderKeyStore
    let vault: RedactionVaultStore
    let client: HTTPClient
    let publisher: DecisionPublisher
    let packs: GatewayPacks
    let upstreamTimeout: TimeAmount
    let routeCache: ExpiringCache<RouteKey, ProxyRoute?>
    let keyCache: ExpiringCache<KeyKey, SealedProviderKey?>
    let scanner = GuardScanner()
    /// Injection scans of the tools offered, by tenant and text: an agent offers the same tools
    /// with every call, and their text can outweigh the prompt's.
    let toolScans = ExpiringCache<ToolScanKey, [Finding]>(lifetime: .seconds(600), capacity: 1024)

    /// By tenant as well as text, so that one tenant's timing cannot tell which tools another
    /// offers.
    struct ToolScanKey: Hashable, Sendable {
        var tenantID: UUID
        var text: String
    }

    /// Longer tool texts are scanned every time rather than held (1024 of them at most).
    private static let largestRememberedToolText = 32 * 1024

    struct RouteKey: Hashable, Sendable {
        var tenantID: UUID
        var routeID: String
    }

    struct KeyKey: Hashable, Sendable {
        var tenantID: UUID
        var provider: String
        var keyID: UUID?
    }

    static let decisionHeader = HTTPField.Name("X-Palisade-Decision")!
    static let routeHeader = HTTPField.Name("X-Palisade-Route")!
    private static let bypassed = Counter(label: "palisade_gateway_guard_bypassed_total")
    /// A JSON `\u` escape, which can spell a value the raw scan of an answer cannot see.
    private static let unicodeEscape = Array("\\u".utf8)
    /// An escaped quote: JSON inside a string (tool-call arguments), whose member names the raw
    /// scan reads with a backslash before their quote, and so does not know as names.
    private static let escapedQuote = Array("\\\"".utf8)

    /// After a route or key of the tenant changed on this gateway.
    func forget(tenant: UUID) {
        routeCache.removeAll { key, _ in key.tenantID == tenant }
        keyCache.removeAll { key, _ in key.tenantID == tenant }
    }

    func register(on router: Router<PalisadeRequestContext>, registry: RouteRegistry) {
        for endpoint in LLMProvider.endpoints {
            router.route(.post, "/v1/proxy/\(endpoint.provider.rawValue)\(endpoint.path)", registry: registry) { request, context in
                try await handle(endpoint, request, context)
            }
        }
    }

    // MARK: The request half

    private func handle(_ endpoint: LLMProvider.Endpoint, _ request: Request, _ context: PalisadeRequestContext) async throws -> Response {
        let claims = try context.requireClaims(Capability.proxyUse)
        let scope = claims.scope
        let provider = endpoint.provider
        let routeID = request.headers[Self.routeHeader] ?? provider.rawValue
        guard ProxyRouteRoutes.isRouteID(routeID), let route = try await route(routeID, scope: scope, context),
              route.provider == provider.rawValue else {
            throw Problem.notFound("no \(provider.rawValue) route \(routeID) in this tenant (set X-Palisade-Route or create the route)")
        }
        var call = CallRecord(tenantID: scope.tenantID, requestID: context.requestID, subject: claims.sub.value, routeID: routeID, provider: provider)
        let body = try await MessageBody.collect(request, limit: route.requestLimitBytes)
        let json: JSONValue
        do {
            json = try JSONReader.parse(body)
        } catch {
            return refusal(provider, status: .badRequest, "the request body is not valid JSON: \(error.reason) (byte \(error.offset))",
                           code: "invalid_json", call: &call, context)
        }
        guard case .object = json else {
            return refusal(provider, status: .badRequest, "the request body must be a JSON object", code: "invalid_json", call: &call, context)
        }
        call.model = json["model"]?.stringValue ?? ""
        let streaming = if case .bool(true)? = json["stream"] { true } else { false }
        call.streamed = streaming

        if !route.allowedModels.isEmpty, !route.allowedModels.contains(call.model) {
            call.decide("block", reason: "model not allowed on this route")
            return refusal(provider, status: .badRequest, "model '\(call.model)' is not allowed on route \(routeID)", code: "model_not_allowed",
                           call: &call, context)
        }

        // Injection scan of the untrusted text and of the tools offered, within the route's time
        // budget. With neither (a system prompt alone) no scan runs, so none can overrun.
        let content = provider.untrustedContent(json)
        let untrusted = content.texts
        let tools = provider.toolDefinitions(json)
        noteUnscanned(content.unscanned, call: &call)
        let scanStarted = ContinuousClock.now
        let found: [(tool: String?, finding: Finding)] =
            untrusted.flatMap { text in scanner.scan(text, detectors: .injection).map { (nil, $0) } }
            + content.toolOutputs.flatMap { text in scanner.scan(text, detectors: [.injection, .toolOutput]).map { (nil, $0) } }
            + tools.flatMap { tool in scanTool(tool.text, tenant: scope.tenantID).map { (tool.name, $0) } }
        let confident = found.filter { $0.finding.confidence >= OutputPolicy.minimumConfidence }
        let injections = confident.map(\.finding)
        let scanned = !(untrusted.isEmpty && content.toolOutputs.isEmpty && tools.isEmpty)
        if scanned { StageTimers.record(.injectionScan, since: scanStarted) }
        if scanned, ContinuousClock.now - scanStarted > .milliseconds(route.detectorBudgetMilliseconds) {
            try bypassOrRefuse(route, stage: "injection scan", call: &call, context)
        } else {
            call.findings += confident.map { ($0.tool == nil ? "request" : "tools", $0.finding) }
            if let strongest = confident.max(by: { $0.finding.confidence < $1.finding.confidence }) {
                let what = "prompt injection (\(strongest.finding.detector))"
                    + (strongest.tool.map { " in the definition of tool '\($0.prefix(64))'" } ?? "")
                switch route.injectionAction {
                case "block":
                    call.decide("block", reason: what)
                    return refusal(provider, status: .badRequest, "the request was blocked by policy: \(what)",
                                   code: "prompt_injection", call: &call, context)
                case "review":
                    call.decide("review", reason: what)
                default:
                    break
                }
            }
        }

        let policyStarted = ContinuousClock.now
        let refused = try applyPacks(claims: claims, route: route, model: call.model, streaming: streaming, injections: injections,
                                     call: &call, context)
        StageTimers.record(.policy, since: policyStarted)
        if let refused { return refused }

        let keyStarted = ContinuousClock.now
        guard let sealed = try await providerKey(route, scope: scope, context) else {
            call.decide("block", reason: "no provider key")
            record(call, context)
            throw Problem.notFound("no \(provider.rawValue) provider key in this tenant (POST /v1/provider-keys)")
        }
        let secret = try await keys.open(sealed, scope: scope, logger: context.logger)
        StageTimers.record(.providerKey, since: keyStarted)
        var outgoing = HTTPClientRequest(url: Self.join(route.upstreamBaseURL, endpoint.path))
        outgoing.method = .POST
        for name in provider.forwardedHeaders {
            if let field = HTTPField.Name(name), let value = request.headers[field] { outgoing.headers.add(name: name, value: value) }
        }
        for (name, value) in provider.authenticationHeaders(key: secret) { outgoing.headers.replaceOrAdd(name: name, value: value) }
        if provider == .anthropic, outgoing.headers.first(name: "anthropic-version") == nil {
            outgoing.headers.add(name: "anthropic-version", value: "2023-06-01")
        }
        outgoing.headers.add(name: "X-Request-Id", value: context.requestID)
        outgoing.body = .bytes(ByteBuffer(data: body))

        let upstreamStarted = ContinuousClock.now
        let answer: HTTPClientResponse
        do {
            answer = try await client.execute(outgoing, timeout: upstreamTimeout)
        } catch {
            call.upstreamTime += ContinuousClock.now - upstreamStarted
            let timedOut = (error as? HTTPClientError) == .deadlineExceeded || (error as? HTTPClientError) == .readTimeout
            context.logger.warning("provider unreachable", metadata: ["route": "\(routeID)", "error": "\(error)"])
            call.decide(call.decision, reason: timedOut ? "provider timed out" : "provider unreachable")
            return refusal(provider, status: timedOut ? .gatewayTimeout : .badGateway,
                           timedOut ? "the provider did not answer in time" : "the provider could not be reached",
                           type: "api_error", code: timedOut ? "upstream_timeout" : "upstream_unreachable", call: &call, context)
        }
        call.upstreamStatus = Int(answer.status.code)
        let contentType = answer.headers.first(name: "content-type") ?? ""
        if streaming, (200..<300).contains(Int(answer.status.code)), contentType.hasPrefix("text/event-stream") {
            return StreamingGuard(gateway: self, provider: provider, route: route, scope: scope, context: context)
                .relay(answer, call: call, upstreamStarted: upstreamStarted)
        }
        let payload: ByteBuffer
        do {
            payload = try await answer.body.collect(upTo: route.responseLimitBytes)
        } catch {
            call.upstreamTime += ContinuousClock.now - upstreamStarted
            call.decide("block", reason: "response over the route's limit or cut off")
            return refusal(provider, status: .badGateway, "the provider's answer exceeded the route's limit or was cut off",
                           type: "api_error", code: "upstream_response", call: &call, context)
        }
        call.upstreamTime += ContinuousClock.now - upstreamStarted
        // The provider's own errors pass through in its shape.
        guard (200..<300).contains(Int(answer.status.code)), endpoint.hasCompletion else {
            return respond(status: answer.status.code, contentType: contentType, body: payload, call: &call, context)
        }
        return try await guardCompletion(payload, contentType: contentType, status: answer.status.code, route: route, scope: scope,
                                         call: &call, context)
    }

    /// The injection findings of one tool's text, remembered for the tenant (`toolScans`).
    private func scanTool(_ text: String, tenant: UUID) -> [Finding] {
        guard text.utf8.count <= Self.largestRememberedToolText else { return scanner.scan(text, detectors: .injection) }
        let key = ToolScanKey(tenantID: tenant, text: text)
        if let known = toolScans.value(for: key) { return known }
        let findings = scanner.scan(text, detectors: .injection)
        toolScans.store(findings, for: key)
        return findings
    }

    /// The route policy step: the tenant's packs that apply to the route decide about the call
    /// (`action` `llm.request` on `route:<id>`, with the model, provider and the prompt's
    /// findings); deny blocks it, require_approval marks it for review. Shadow packs are only
    /// recorded. With no enforced pack for the route, the route's own settings decide.
    /// Packs see the injections found and what the call recorded as unscanned (category
    /// `unscanned`, an entry per kind), so a pack can refuse or hold content no one inspected.
    private func applyPacks(claims: PlatformClaims, route: ProxyRoute, model: String, streaming: Bool, injections: [Finding],
                            call: inout CallRecord, _ context: PalisadeRequestContext) throws -> Response? {
        guard let set = packs.packs(for: claims.scope.tenantID) else {
            try bypassOrRefuse(route, stage: "policy pack step", call: &call, context)
            return nil
        }
        guard !set.packs.isEmpty else { return nil }
        let input = DecisionInput(
            user: claims.sub.value, roles: claims.roles, action: "llm.request", resource: "route:\(route.routeID)",
            route: route.routeID, model: model, provider: route.provider,
            findings: injections.map(\.detector) + call.unscanned,
            findingCategories: injections.map(\.category.rawValue) + call.unscanned.map { _ in CallRecord.unscannedCategory },
            context: ["stream": .bool(streaming)]
        )
        let result = set.decide(input)
        call.shadow = result.shadow.map { Palisade_V1_PackOutcome(set.describe($0)) }
        guard let enforced = result.enforced else { return nil }
        let outcome = Palisade_V1_PackOutcome(set.describe(enforced))
        call.enforced = outcome
        switch enforced.decision.effect {
        case .deny:
            call.decide("block", reason: "policy pack \(outcome.packID) \(outcome.packVersion): \(outcome.rulePath)")
            return refusal(call.provider, status: .forbidden,
                           "the request was blocked by policy pack \(outcome.packID) (\(outcome.rulePath))",
                           code: "policy_denied", call: &call, context)
        case .requireApproval:
            call.decide("review", reason: "policy pack \(outcome.packID) \(outcome.packVersion): \(outcome.rulePath)")
        case .allow:
            break
        }
        return nil
    }

    /// `fail_open` lets the call through and records the bypass; `fail_closed` refuses it.
    private func bypassOrRefuse(_ route: ProxyRoute, stage: String, call: inout CallRecord, _ context: PalisadeRequestContext) throws {
        if route.failMode == "fail_open" {
            call.bypassed = true
            call.decide(call.decision, reason: "\(stage) bypassed (fail_open)")
            noteBypass(route: route, stage: stage, logger: context.logger)
            return
        }
        call.decide("block", reason: "\(stage) unavailable (fail_closed)")
        record(call, context)
        throw Problem.unavailable("the \(stage) did not finish within the route's budget and the route fails closed")
    }

    /// Content the scan could not read is recorded with the call and counted by kind: how much
    /// traffic goes uninspected is an operator's question before it is an auditor's.
    private func noteUnscanned(_ kinds: [String], call: inout CallRecord) {
        guard !kinds.isEmpty else { return }
        call.unscanned = kinds
        for kind in kinds {
            Counter(label: "palisade_gateway_unscanned_content_total", dimensions: [("provider", call.provider.rawValue), ("kind", kind)]).increment()
        }
    }

    /// A guard step let through unfinished (fail_open): counted and logged; the call records it.
    func noteBypass(route: ProxyRoute, stage: String, logger: Logger) {
        Self.bypassed.increment()
        logger.warning("guard bypassed", metadata: ["route": "\(route.routeID)", "stage": "\(stage)"])
    }

    // MARK: The response half (whole completions)

    private func guardCompletion(_ payload: ByteBuffer, contentType: String, status: UInt, route: ProxyRoute, scope: TenantScope,
                                 call: inout CallRecord, _ context: PalisadeRequestContext) async throws -> Response {
        let arrived = ContinuousClock.now
        defer { StageTimers.record(.responseScan, since: arrived) }
        let provider = call.provider
        // Most answers hold nothing to redact: one scan of the raw bytes (JSON escapes leave
        // ASCII values intact) lets them through unparsed; anything found is located precisely
        // in the parsed answer below.
        // Escapes can hide a value from the raw scan (`\u`, or JSON inside a string whose names
        // it cannot read), so answers with them are parsed.
        let rawText = String(decoding: payload.readableBytesView, as: UTF8.self)
        let rawFindings = scanner.scan(rawText, detectors: .dataLoss).filter { $0.confidence >= OutputPolicy.minimumConfidence }
        let hasHidingEscapes = ByteSearch.contains(Self.unicodeEscape, in: payload.readableBytesView)
            || ByteSearch.contains(Self.escapedQuote, in: payload.readableBytesView)
        guard !rawFindings.isEmpty || hasHidingEscapes else {
            return respond(status: status, contentType: contentType, body: payload, call: &call, context)
        }
        let policy = OutputPolicy(route)
        let vaulted = CallVault()
        let scanStarted = ContinuousClock.now
        var found: [Finding] = []
        let redacted: RedactedAnswer
        if let json = payload.withUnsafeReadableBytes({ try? JSONReader.parse($0) }), case .object = json {
            // Every string, not only the completion's text: a value also leaves in tool-call
            // arguments, which the agent passes on to its tools.
            let rewritten = try JSONStrings.rewriting(json) { text, member in
                let findings = dataLossFindings(in: text, member: member)
                guard !findings.isEmpty else { return nil }
                found += findings
                return try Redactor.redact(text, findings: findings, vault: vaulted, mode: policy.redaction(for:))
            }
            redacted = .json(rewritten.map(provider.withoutTokenDetail) ?? json)
        } else {
            // Not a JSON object (a proxy's error page, an answer nested deeper than the reader
            // follows): what the raw scan found is redacted in the text itself, so nothing found
            // goes back as it came.
            guard !rawFindings.isEmpty else { return respond(status: status, contentType: contentType, body: payload, call: &call, context) }
            found = rawFindings
            redacted = .text(try Redactor.redact(rawText, findings: rawFindings, vault: vaulted, mode: policy.redaction(for:)))
        }
        if ContinuousClock.now - scanStarted > .milliseconds(route.detectorBudgetMilliseconds) {
            try bypassOrRefuse(route, stage: "output scan", call: &call, context)
            return respond(status: status, contentType: contentType, body: payload, call: &call, context)
        }
        call.findings += found.map { ("response", $0) }
        switch policy.decision(for: found) {
        case "block":
            let types = Set(found.filter(policy.blocks).map(\.detector)).sorted().joined(separator: ", ")
            call.decide("block", reason: "sensitive output (\(types))")
            return refusal(provider, status: .badRequest, "the completion was blocked by policy: sensitive output (\(types))",
                           code: "sensitive_output", call: &call, context)
        case "redact":
            call.decide("redact", reason: "sensitive output redacted")
            try await vault.store(vaulted.collected, scope: scope, requestID: context.requestID, logger: context.logger)
            switch redacted {
            case .json(let rewritten):
                return respond(status: status, contentType: "application/json", body: ByteBuffer(data: rewritten.canonicalJSON()), call: &call, context)
            case .text(let text):
                return respond(status: status, contentType: contentType, body: ByteBuffer(string: text), call: &call, context)
            }
        default:
            return respond(status: status, contentType: contentType, body: payload, call: &call, context)
        }
    }

    /// Personal data and secrets in one string of an answer, scanned as the member it is the
    /// value of (`"password": "…"`): the generic secret detector knows a secret by its name.
    /// Spans are in the string.
    private func dataLossFindings(in text: String, member name: String?) -> [Finding] {
        let prefix = name.map { "\"\($0)\": \"" } ?? ""
        let offset = prefix.unicodeScalars.count
        let count = text.unicodeScalars.count
        return scanner.scan(prefix + text + (name == nil ? "" : "\""), detectors: .dataLoss).compactMap { finding in
            // Only what lies in the value; a finding in the name is the name's own business.
            guard finding.confidence >= OutputPolicy.minimumConfidence, finding.end > offset, finding.start < offset + count else { return nil }
            var inValue = finding
            inValue.start = max(0, finding.start - offset)
            inValue.end = min(count, finding.end - offset)
            return inValue
        }
    }

    /// A whole answer with its findings redacted: the parsed object rewritten, or the raw text.
    private enum RedactedAnswer {
        case json(JSONValue)
        case text(String)
    }

    // MARK: Answers

    func respond(status: UInt, contentType: String, body: ByteBuffer, call: inout CallRecord, _ context: PalisadeRequestContext) -> Response {
        var headers = HTTPFields()
        if !contentType.isEmpty, let name = HTTPField.Name("Content-Type") { headers[name] = contentType }
        headers[Self.decisionHeader] = call.decision
        record(call, context)
        return Response(status: .init(code: Int(status)), headers: headers, body: .init(byteBuffer: body))
    }

    /// A refusal in the provider's error shape, recorded with the call's decision.
    func refusal(_ provider: LLMProvider, status: HTTPResponse.Status, _ message: String, type: String = "invalid_request_error",
                 code: String, call: inout CallRecord, _ context: PalisadeRequestContext) -> Response {
        respond(status: UInt(status.code), contentType: "application/json",
                body: ByteBuffer(data: provider.errorBody(message: message, type: type, code: code)), call: &call, context)
    }

    func record(_ call: CallRecord, _ context: PalisadeRequestContext) {
        CallTimers.record(call)
        publisher.record(call.message, trace: context.trace)
    }

    // MARK: Configuration lookups

    private func route(_ routeID: String, scope: TenantScope, _ context: PalisadeRequestContext) async throws -> ProxyRoute? {
        let key = RouteKey(tenantID: scope.tenantID, routeID: routeID)
        let logger = context.logger
        return try await routeCache.value(for: key) { [routes] in try await routes.find(routeID, scope: scope, logger: logger) }
    }

    private func providerKey(_ route: ProxyRoute, scope: TenantScope, _ context: PalisadeRequestContext) async throws -> SealedProviderKey? {
        let key = KeyKey(tenantID: scope.tenantID, provider: route.provider, keyID: route.providerKeyID)
        let logger = context.logger
        return try await keyCache.value(for: key) { [keys] in
            try await keys.sealedKey(provider: route.provider, keyID: route.providerKeyID, scope: scope, logger: logger)
        }
    }

    static func join(_ base: String, _ path: String) -> String {
        var base = base
        while base.hasSuffix("/") { base.removeLast() }
        return base + path
    }
}
