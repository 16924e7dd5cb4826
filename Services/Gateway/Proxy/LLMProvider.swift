import Foundation
import HTTPTypes

/// What the gateway knows about each provider's wire format: where the prompt's untrusted
/// text is, where the completion's text is (whole and streamed), how to authenticate, and
/// what its errors look like — so a block answers in the provider's own shape.
enum LLMProvider: String, Sendable {
    case openai
    case anthropic

    /// The proxied endpoints: `/v1/proxy/<provider><path>` forwards to `<upstream base><path>`.
    struct Endpoint: Sendable {
        var provider: LLMProvider
        var path: String
        /// Chat completions and messages carry completions to scan; embeddings only prompts.
        var hasCompletion: Bool
    }

    static let endpoints: [Endpoint] = [
        Endpoint(provider: .openai, path: "/v1/chat/completions", hasCompletion: true),
        Endpoint(provider: .openai, path: "/v1/embeddings", hasCompletion: false),
        Endpoint(provider: .anthropic, path: "/v1/messages", hasCompletion: true),
    ]

    // MARK: Requests

    /// The provider key goes where the provider expects it; the caller's Palisade credential
    /// goes nowhere.
    func authenticationHeaders(key: String) -> [(String, String)] {
        switch self {
        case .openai: [("Authorization", "Bearer \(key)")]
        case .anthropic: [("x-api-key", key)]
        }
    }

    /// Request headers passed through to the provider (everything else is dropped).
    var forwardedHeaders: [String] {
        switch self {
        case .openai: ["Content-Type", "Accept", "OpenAI-Organization", "OpenAI-Project", "OpenAI-Beta"]
        case .anthropic: ["Content-Type", "Accept", "anthropic-version", "anthropic-beta"]
        }
    }

    /// Text in the request that did not come from the customer's own system prompt: user turns,
    /// tool results and embedding inputs. That is where injected instructions arrive.
    func untrustedTexts(_ body: [String: Any]) -> [String] {
        var texts: [String] = []
        if let input = body["input"] {
            if let text = input as? String { texts.append(text) }
            if let list = input as? [Any] { texts += list.compactMap { $0 as? String } }
        }
        for message in body["messages"] as? [[String: Any]] ?? [] {
            let role = message["role"] as? String ?? ""
            guard !["system", "developer"].contains(role) else { continue }
            texts += Self.texts(in: message["content"])
        }
        return texts
    }

    /// Strings of a content field: a string, or blocks with `text` (and tool results' content).
    private static func texts(in content: Any?) -> [String] {
        if let text = content as? String { return [text] }
        guard let blocks = content as? [[String: Any]] else { return [] }
        return blocks.flatMap { block -> [String] in
            var found: [String] = []
            if let text = block["text"] as? String { found.append(text) }
            if block["content"] != nil { found += texts(in: block["content"]) }
            return found
        }
    }

    // MARK: Completions

    /// The completion's text fields as paths into the JSON, for scanning and rewriting.
    func completionTexts(_ body: [String: Any]) -> [(path: [Any], text: String)] {
        switch self {
        case .openai:
            return (body["choices"] as? [[String: Any]] ?? []).enumerated().compactMap { index, choice in
                ((choice["message"] as? [String: Any])?["content"] as? String).map { (["choices", index, "message", "content"], $0) }
            }
        case .anthropic:
            return (body["content"] as? [[String: Any]] ?? []).enumerated().compactMap { index, block in
                (block["text"] as? String).map { (["content", index, "text"], $0) }
            }
        }
    }

    /// A streamed event's text delta: which stream (choice or content block) and the text.
    func delta(_ event: [String: Any]) -> (stream: Int, text: String)? {
        switch self {
        case .openai:
            guard let choices = event["choices"] as? [[String: Any]], choices.count == 1,
                  let delta = choices[0]["delta"] as? [String: Any], let text = delta["content"] as? String else { return nil }
            return (choices[0]["index"] as? Int ?? 0, text)
        case .anthropic:
            guard event["type"] as? String == "content_block_delta", let delta = event["delta"] as? [String: Any],
                  delta["type"] as? String == "text_delta", let text = delta["text"] as? String else { return nil }
            return (event["index"] as? Int ?? 0, text)
        }
    }

    /// The event with its text delta replaced.
    func replacingDelta(_ event: [String: Any], with text: String) -> [String: Any] {
        var event = event
        switch self {
        case .openai:
            guard var choices = event["choices"] as? [[String: Any]], !choices.isEmpty,
                  var delta = choices[0]["delta"] as? [String: Any] else { return event }
            delta["content"] = text
            choices[0]["delta"] = delta
            event["choices"] = choices
        case .anthropic:
            guard var delta = event["delta"] as? [String: Any] else { return event }
            delta["text"] = text
            event["delta"] = delta
        }
        return event
    }

    // MARK: Errors

    /// A refusal in the provider's error shape, e.g. a blocked prompt.
    func errorBody(message: String, type: String = "invalid_request_error", code: String) -> Data {
        let body: [String: Any] = switch self {
        case .openai: ["error": ["message": message, "type": type, "param": NSNull(), "code": code]]
        case .anthropic: ["type": "error", "error": ["type": type, "message": message]]
        }
        return (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])) ?? Data()
    }

    /// The same refusal as a server-sent event, to end a stream that turned out to need it.
    func errorEvent(message: String, code: String) -> String {
        let body = String(decoding: errorBody(message: message, type: "palisade_blocked", code: code), as: UTF8.self)
        switch self {
        case .openai: return "data: \(body)\n\ndata: [DONE]\n\n"
        case .anthropic: return "event: error\ndata: \(body)\n\n"
        }
    }
}

/// Setting a value at a path of keys and indices in parsed JSON.
enum JSONPath {
    static func setting(_ value: Any, at path: ArraySlice<Any>, in root: Any) -> Any {
        guard let first = path.first else { return value }
        if let key = first as? String, var object = root as? [String: Any], let child = object[key] {
            object[key] = setting(value, at: path.dropFirst(), in: child)
            return object
        }
        if let index = first as? Int, var array = root as? [Any], array.indices.contains(index) {
            array[index] = setting(value, at: path.dropFirst(), in: array[index])
            return array
        }
        return root
    }
}
