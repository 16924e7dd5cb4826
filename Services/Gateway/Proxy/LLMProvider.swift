import Foundation
import HTTPTypes
import PalisadeEvents

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
    func untrustedTexts(_ body: JSONValue) -> [String] {
        var texts: [String] = []
        switch body["input"] {
        case .string(let text)?: texts.append(text)
        case .array(let inputs)?: texts += inputs.compactMap(\.stringValue)
        default: break
        }
        if case .array(let messages)? = body["messages"] {
            for message in messages {
                let role = message["role"]?.stringValue ?? ""
                guard role != "system", role != "developer" else { continue }
                texts += Self.texts(in: message["content"])
            }
        }
        return texts
    }

    /// Strings of a content field: a string, or blocks with `text`, the content of tool and
    /// search results, and documents given as plain text (Anthropic's `document` blocks, whose
    /// text is in `source.data` or `source.content`: the commonest carrier of indirect injection).
    private static func texts(in content: JSONValue?) -> [String] {
        switch content {
        case .string(let text)?:
            return [text]
        case .array(let blocks)?:
            return blocks.flatMap { block -> [String] in
                var found: [String] = []
                if let text = block["text"]?.stringValue { found.append(text) }
                if let nested = block["content"] { found += texts(in: nested) }
                if let source = block["source"] {
                    if source["type"]?.stringValue == "text", let data = source["data"]?.stringValue { found.append(data) }
                    if let nested = source["content"] { found += texts(in: nested) }
                }
                return found
            }
        default:
            return []
        }
    }

    // MARK: Completions

    /// A redacted answer without its per-token detail: OpenAI's `logprobs` list every token's
    /// text, and so would spell out what was redacted.
    func withoutTokenDetail(_ answer: JSONValue) -> JSONValue {
        guard self == .openai, case .array(let choices)? = answer["choices"] else { return answer }
        var stripped = answer
        for index in choices.indices where choices[index]["logprobs"].map({ $0 != .null }) ?? false {
            stripped = JSONPath.setting(.null, at: [.key("choices"), .index(index), .key("logprobs")], in: stripped)
        }
        return stripped
    }

    /// A streamed event's text delta: which stream (choice or content block) and the text.
    func delta(_ event: JSONValue) -> (stream: Int, text: String)? {
        switch self {
        case .openai:
            guard case .array(let choices)? = event["choices"], choices.count == 1,
                  let text = choices[0]["delta"]?["content"]?.stringValue else { return nil }
            return (Self.streamIndex(choices[0]["index"]), text)
        case .anthropic:
            guard event["type"]?.stringValue == "content_block_delta", let delta = event["delta"],
                  delta["type"]?.stringValue == "text_delta", let text = delta["text"]?.stringValue else { return nil }
            return (Self.streamIndex(event["index"]), text)
        }
    }

    private static func streamIndex(_ value: JSONValue?) -> Int {
        Int(truncatingIfNeeded: value?.integerValue ?? 0)
    }

    /// The event with its text delta replaced (and, when the text changed, without the
    /// per-token detail that would spell the original).
    func replacingDelta(_ event: JSONValue, with text: String) -> JSONValue {
        switch self {
        case .openai:
            let replaced = JSONPath.setting(.string(text), at: [.key("choices"), .index(0), .key("delta"), .key("content")], in: event)
            return delta(event)?.text == text ? replaced : withoutTokenDetail(replaced)
        case .anthropic:
            return JSONPath.setting(.string(text), at: [.key("delta"), .key("text")], in: event)
        }
    }

    // MARK: Errors

    /// A refusal in the provider's error shape, e.g. a blocked prompt.
    func errorBody(message: String, type: String = "invalid_request_error", code: String) -> Data {
        let body: JSONValue = switch self {
        case .openai: .object(["error": .object(["message": .string(message), "type": .string(type), "param": .null, "code": .string(code)])])
        case .anthropic: .object(["type": .string("error"), "error": .object(["type": .string(type), "message": .string(message)])])
        }
        return body.canonicalJSON()
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
    enum Step: Sendable {
        case key(String)
        case index(Int)
    }

    /// `root` with `value` at `path`; unchanged when the path leads nowhere (a member is set
    /// only where its object already has it, except the last, which may be new).
    static func setting(_ value: JSONValue, at path: ArraySlice<Step>, in root: JSONValue) -> JSONValue {
        guard let first = path.first else { return value }
        switch (first, root) {
        case (.key(let key), .object(var object)):
            if let child = object[key] {
                object[key] = setting(value, at: path.dropFirst(), in: child)
            } else if path.count == 1 {
                object[key] = value
            }
            return .object(object)
        case (.index(let index), .array(var array)) where array.indices.contains(index):
            array[index] = setting(value, at: path.dropFirst(), in: array[index])
            return .array(array)
        default:
            return root
        }
    }
}
