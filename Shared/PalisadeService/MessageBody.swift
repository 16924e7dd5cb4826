import Foundation
import Hummingbird
import PalisadeEvents

/// Reads a request body with an explicit size limit and an accepted media type.
public enum MessageBody {
    /// The whole body, or 413 past `limit` bytes.
    public static func collect(_ request: Request, limit: Int) async throws -> Data {
        if let declared = request.headers[.contentLength].flatMap(Int.init), declared > limit {
            throw Problem.contentTooLarge(limit: limit)
        }
        var request = request
        do {
            let buffer = try await request.collectBody(upTo: limit)
            return Data(buffer: buffer)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw Problem.contentTooLarge(limit: limit)
        }
    }

    /// The media type (lower-cased, parameters stripped), or 415 when it is not one of `accepted`.
    public static func requireMediaType(_ request: Request, accepted: [String]) throws -> String {
        let received = request.headers[.contentType]
        let media = received?.split(separator: ";").first.map { FieldText.trimmingOptionalWhitespace($0).lowercased() }
        guard let media, accepted.contains(media) else {
            throw Problem.unsupportedMediaType(received, accepted: accepted)
        }
        return media
    }

    /// An `application/json` body of at most `limit` bytes, decoded; 415, 413 or 400 otherwise.
    public static func decodeJSON<Value: Decodable>(_ request: Request, as type: Value.Type, limit: Int = 64 * 1024) async throws -> Value {
        _ = try requireMediaType(request, accepted: ["application/json"])
        let data = try await collect(request, limit: limit)
        guard let value = try? JSONDecoder().decode(Value.self, from: data) else {
            throw Problem.malformed("the body is not valid JSON of the expected shape")
        }
        // U+0000 can only arrive escaped, so only a body with a backslash is read again for it.
        if data.contains(0x5C) {
            var containsNUL = false
            _ = try? JSONReader.parse(data, containsNUL: &containsNUL)
            if containsNUL { throw nulProblem }
        }
        return value
    }

    /// A JSON body as parsed, for bodies a route maps by hand: `JSONReader` reads the type of
    /// each value from its first byte, where a `Decodable` type of free-form values (context,
    /// subjects) has `JSONDecoder` try types in turn, building an error for every miss.
    public static func readJSON(_ request: Request, limit: Int = 64 * 1024) async throws -> JSONValue {
        _ = try requireMediaType(request, accepted: ["application/json"])
        let data = try await collect(request, limit: limit)
        var containsNUL = false
        guard let value = try? JSONReader.parse(data, containsNUL: &containsNUL) else {
            throw Problem.malformed("the body is not valid JSON")
        }
        if containsNUL { throw nulProblem }
        return value
    }

    /// Like `decodeJSON`, for a body that may be left out: without one (no length, or length 0,
    /// and no content type) the answer is `absent`.
    public static func decodeOptionalJSON<Value: Decodable>(_ request: Request, as type: Value.Type, absent: Value,
                                                            limit: Int = 64 * 1024) async throws -> Value {
        let hasBody = request.headers[.contentLength].map { $0 != "0" } ?? (request.headers[.contentType] != nil)
        return hasBody ? try await decodeJSON(request, as: type, limit: limit) : absent
    }

    /// Postgres text cannot hold U+0000: a body with one is refused here rather than failing
    /// its statement.
    static var nulProblem: Problem {
        Problem.invalid("the body is not valid", errors: [
            ProblemField(index: nil, field: "", reason: "strings must not contain U+0000"),
        ])
    }


    /// A JSON response body.
    public static func json<Value: Encodable>(_ value: Value, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(value)
        var fields = headers
        fields[.contentType] = "application/json"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
