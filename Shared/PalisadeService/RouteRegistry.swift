import Hummingbird
import Synchronization

/// The paths a service serves and their methods, so an unknown method on a known path
/// answers 405 with `Allow` rather than 404 (Hummingbird's router does not tell them apart).
public final class RouteRegistry: Sendable {
    private let routes = Mutex<[(method: HTTPRequest.Method, path: String, segments: [Substring])]>([])

    public init() {}

    public func record(_ method: HTTPRequest.Method, _ path: String) {
        let segments = path.split(separator: "/")
        routes.withLock { $0.append((method, path, segments)) }
    }

    /// `METHOD /path` of every route, paths as registered (`/v1/incidents/{id}`).
    public var operations: Set<String> {
        routes.withLock { Set($0.map { "\($0.method.rawValue) \($0.path)" }) }
    }

    /// Methods registered for the most specific pattern that matches `path`. As in the router's
    /// trie, a literal segment wins over a parameter: `/v1/watchers/affected-routes` is not
    /// `/v1/watchers/{id}`, so only the former's methods are allowed there.
    public func methods(matching path: String) -> [HTTPRequest.Method] {
        let segments = path.split(separator: "/")
        return routes.withLock { routes in
            let matching = routes.filter { Self.matches($0.segments, segments) }
            let mostLiteral = matching.map { Self.literalCount($0.segments) }.max() ?? 0
            return matching.filter { Self.literalCount($0.segments) == mostLiteral }.map(\.method)
        }
    }

    static func literalCount(_ pattern: [Substring]) -> Int {
        pattern.filter { !($0 == "*" || $0 == "**" || $0.hasPrefix(":") || ($0.hasPrefix("{") && $0.hasSuffix("}"))) }.count
    }

    static func matches(_ pattern: [Substring], _ path: [Substring]) -> Bool {
        guard pattern.count == path.count || pattern.last == "**" else { return false }
        for (expected, actual) in zip(pattern, path) {
            if expected == "**" { return true }
            if expected == "*" || expected.hasPrefix(":") || (expected.hasPrefix("{") && expected.hasSuffix("}")) { continue }
            if expected != actual { return false }
        }
        return pattern.count == path.count
    }
}

extension Router where Context == PalisadeRequestContext {
    /// Registers a route and records it for 405 detection.
    @discardableResult
    public func route(
        _ method: HTTPRequest.Method, _ path: String, registry: RouteRegistry,
        use handler: @escaping @Sendable (Request, Context) async throws -> Response
    ) -> Self {
        registry.record(method, path)
        return on(RouterPath(path), method: method, use: handler)
    }
}
