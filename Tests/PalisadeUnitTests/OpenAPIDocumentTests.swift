import Foundation
import PalisadeEdge
import Testing

@Suite struct OpenAPIDocumentTests {
    static let yaml = """
        openapi: 3.1.0
        info: {title: t, version: "1"}
        paths:
          /v1/things:
            get: {responses: {"200": {description: ok}}}
            post: {responses: {"201": {description: created}}}
          /v1/things/{id}:
            parameters: [{name: id, in: path, required: true, schema: {type: string}}]
            delete: {responses: {"204": {description: gone}}}
        """

    @Test func operationsAreReadAndConvertedToJSON() throws {
        let document = try OpenAPIDocument(yaml: Self.yaml)
        #expect(document.operations == ["GET /v1/things", "POST /v1/things", "DELETE /v1/things/{id}"])
        let json = try #require(try JSONSerialization.jsonObject(with: document.json) as? [String: Any])
        #expect(json["openapi"] as? String == "3.1.0")
        #expect(((json["paths"] as? [String: Any])?["/v1/things"] as? [String: Any])?["get"] != nil)
    }

    @Test func driftEitherWayIsReported() throws {
        let document = try OpenAPIDocument(yaml: Self.yaml)
        #expect(document.mismatches(served: ["GET /v1/things", "POST /v1/things", "DELETE /v1/things/{id}"]).isEmpty)
        let drift = document.mismatches(served: ["GET /v1/things", "POST /v1/things", "PATCH /v1/things/{id}"])
        #expect(drift == ["served but not documented: PATCH /v1/things/{id}", "documented but not served: DELETE /v1/things/{id}"])
    }

    /// The repository's own document parses and is OpenAPI 3.1 with RFC 7807 errors.
    @Test func theRepositoryDocumentIsOpenAPI31() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("proto/openapi.yaml").path
        let document = try OpenAPIDocument(contentsOf: path)
        let json = try #require(try JSONSerialization.jsonObject(with: document.json) as? [String: Any])
        #expect(json["openapi"] as? String == "3.1.0")
        #expect(document.operations.count > 40)
        let responses = ((json["components"] as? [String: Any])?["responses"] as? [String: Any]) ?? [:]
        for name in ["Unauthorized", "Forbidden", "NotFound", "ValidationFailed", "TooManyRequests"] {
            let content = (responses[name] as? [String: Any])?["content"] as? [String: Any]
            #expect(content?["application/problem+json"] != nil, "\(name)")
        }
    }
}
