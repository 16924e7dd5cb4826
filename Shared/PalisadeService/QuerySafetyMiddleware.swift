import Hummingbird

/// 400 for a query or path holding U+0000: Postgres text cannot store it, and no Palisade
/// parameter needs it, so it is refused before any handler turns it into a failed statement.
public struct QuerySafetyMiddleware: RouterMiddleware {
    public typealias Context = PalisadeRequestContext

    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let nul: Unicode.Scalar = "\u{0}"
        let inQuery = request.uri.queryParameters.contains { $0.key.unicodeScalars.contains(nul) || $0.value.unicodeScalars.contains(nul) }
        let inPath = request.uri.path.lowercased().contains("%00")
        guard !inQuery && !inPath else { throw Problem.malformed("the path or query contains U+0000") }
        return try await next(request, context)
    }
}
