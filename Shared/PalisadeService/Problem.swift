import Foundation
import HTTPTypes
import Hummingbird

/// An RFC 7807 problem: every error a Palisade service returns has this shape
/// (`application/problem+json`), with the request id so a report can be traced.
public struct Problem: Error, HTTPResponseError, Sendable {
    public var status: HTTPResponse.Status
    public var title: String
    public var detail: String
    /// A stable slug; the `type` URI is `https://palisade.dev/problems/<slug>`.
    public var slug: String
    /// Per-field problems, for validation failures.
    public var errors: [ProblemField]
    /// Extra response headers (e.g. `Allow`, `WWW-Authenticate`, `Retry-After`).
    public var headers: HTTPFields
    /// Extra members of the problem object.
    public var extensions: [String: [String]]

    public init(
        _ status: HTTPResponse.Status, slug: String, title: String, detail: String,
        errors: [ProblemField] = [], headers: HTTPFields = [:], extensions: [String: [String]] = [:]
    ) {
        self.status = status
        self.slug = slug
        self.title = title
        self.detail = detail
        self.errors = errors
        self.headers = headers
        self.extensions = extensions
    }

    public var type: String { "https://palisade.dev/problems/\(slug)" }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let requestID = (context as? PalisadeRequestContext)?.requestID ?? request.headers[.requestID]
        return makeResponse(requestID: requestID, instance: request.uri.path)
    }

    public func makeResponse(requestID: String?, instance: String) -> Response {
        let body = ProblemBody(
            type: type, title: title, status: Int(status.code), detail: detail,
            instance: instance, requestID: requestID, errors: errors.isEmpty ? nil : errors
        )
        var data = (try? JSONEncoder.problem.encode(body)) ?? Data()
        if !extensions.isEmpty, var object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] {
            for (key, value) in extensions { object[key] = value }
            data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? data
        }
        var fields = headers
        fields[.contentType] = "application/problem+json"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// One field-level problem (`index` is the position in a batch).
public struct ProblemField: Codable, Sendable, Equatable {
    public var index: Int?
    public var field: String
    public var reason: String

    public init(index: Int?, field: String, reason: String) {
        self.index = index
        self.field = field
        self.reason = reason
    }
}

struct ProblemBody: Encodable {
    var type: String
    var title: String
    var status: Int
    var detail: String
    var instance: String
    var requestID: String?
    var errors: [ProblemField]?

    enum CodingKeys: String, CodingKey {
        case type, title, status, detail, instance, errors
        case requestID = "request_id"
    }
}

extension JSONEncoder {
    static var problem: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}

/// The problems every service shares.
extension Problem {
    public static func notFound(_ detail: String = "no route matches this path") -> Problem {
        Problem(.notFound, slug: "not-found", title: "Not found", detail: detail)
    }

    public static func methodNotAllowed(allowed: [HTTPRequest.Method]) -> Problem {
        var headers = HTTPFields()
        headers[.allow] = allowed.map(\.rawValue).sorted().joined(separator: ", ")
        return Problem(.methodNotAllowed, slug: "method-not-allowed", title: "Method not allowed",
                       detail: "this path accepts \(headers[.allow] ?? "no method")", headers: headers)
    }

    public static func contentTooLarge(limit: Int) -> Problem {
        Problem(.contentTooLarge, slug: "content-too-large", title: "Content too large",
                detail: "the request body exceeds \(limit) bytes")
    }

    public static func unsupportedMediaType(_ received: String?, accepted: [String]) -> Problem {
        Problem(.unsupportedMediaType, slug: "unsupported-media-type", title: "Unsupported media type",
                detail: "content type '\(received ?? "none")' is not accepted; use \(accepted.joined(separator: " or "))")
    }

    public static func malformed(_ detail: String) -> Problem {
        Problem(.badRequest, slug: "malformed-request", title: "Malformed request", detail: detail)
    }

    public static func invalid(_ detail: String, errors: [ProblemField]) -> Problem {
        Problem(.unprocessableContent, slug: "validation-failed", title: "Validation failed", detail: detail, errors: errors)
    }

    public static func unauthorized(_ detail: String) -> Problem {
        var headers = HTTPFields()
        headers[.wwwAuthenticate] = "Bearer"
        return Problem(.unauthorized, slug: "unauthorized", title: "Unauthorized", detail: detail, headers: headers)
    }

    public static func forbidden(_ detail: String) -> Problem {
        Problem(.forbidden, slug: "forbidden", title: "Forbidden", detail: detail)
    }

    /// 403 naming the capability, also as `missing_capability` for programs.
    public static func missingCapability(_ capability: String) -> Problem {
        Problem(.forbidden, slug: "missing-capability", title: "Forbidden",
                detail: "the credential lacks the '\(capability)' capability",
                extensions: ["missing_capability": [capability]])
    }

    public static func unavailable(_ detail: String, retryAfterSeconds: Int = 1) -> Problem {
        var headers = HTTPFields()
        headers[.retryAfter] = "\(retryAfterSeconds)"
        return Problem(.serviceUnavailable, slug: "unavailable", title: "Service unavailable", detail: detail, headers: headers)
    }

    public static func `internal`() -> Problem {
        Problem(.internalServerError, slug: "internal", title: "Internal error",
                detail: "the server failed to handle the request; quote the request id when reporting it")
    }
}

extension HTTPField.Name {
    public static var requestID: Self { Self("X-Request-Id")! }
}
