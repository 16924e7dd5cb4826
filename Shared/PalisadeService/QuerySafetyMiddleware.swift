import Hummingbird

/// 400 for a query or path holding U+0000: Postgres text cannot store it, and no Palisade
/// parameter needs it, so it is refused before any handler turns it into a failed statement.
public struct QuerySafetyMiddleware: RouterMiddleware {
    public typealias Context = PalisadeRequestContext

    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        // The request line cannot carry a raw NUL (the parser refuses it), so U+0000 can only
        // arrive percent-encoded: one look at the raw target covers the path and the query.
        guard !Self.containsEncodedNUL(request.uri.string) else { throw Problem.malformed("the path or query contains U+0000") }
        return try await next(request, context)
    }

    /// Whether `target` holds `%00`.
    public static func containsEncodedNUL(_ target: String) -> Bool {
        ByteSearch.contains(encodedNUL, in: target.utf8)
    }

    private static let encodedNUL = Array("%00".utf8)
}
