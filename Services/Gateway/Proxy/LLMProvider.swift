import Foundation
import HTTPTypes
import PalisadeEvents
import PalisadeGuard

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

    /// What the request carries that did not come from the customer's own system prompt: user
    /// turns, tool and search results, documents and embedding inputs. That is where injected
    /// instructions arrive.
    struct UntrustedContent: Sendable {
        /// Text to scan, including files given inline whose bytes are text.
        var texts: [String] = []
        /// What tools returned (OpenAI's `tool` and `function` messages, Anthropic's
        /// `tool_result` and search-result blocks): scanned also for requests planted as if from
        /// the user (`GuardScanner.Detectors.toolOutput`).
        var toolOutputs: [String] = []

        mutating func append(_ text: String, fromTool: Bool) {
            if fromTool { toolOutputs.append(text) } else { texts.append(text) }
        }
        /// What the gateway cannot read, by kind (`image`, `audio`, `document`): pictures,
        /// sound, PDFs and other binary files, and anything given by URL or file id, which the
        /// provider fetches itself.
        var unscanned: [String] = []
    }

    func untrustedContent(_ body: JSONValue) -> UntrustedContent {
        var content = UntrustedContent()
        switch body["input"] {
        case .string(let text)?: content.texts.append(text)
        case .array(let inputs)?: content.texts += inputs.compactMap(\.stringValue)
        default: break
        }
        if case .array(let messages)? = body["messages"] {
            for message in messages {
                let role = message["role"]?.stringValue ?? ""
                guard role != "system", role != "developer" else { continue }
                Self.collect(message["content"], into: &content, fromTool: role == "tool" || role == "function")
            }
        }
        return content
    }

    /// Anthropic's blocks whose content a tool or a search produced.
    private static let toolResultBlocks: Set<String> = ["tool_result", "search_result", "web_search_tool_result", "web_fetch_tool_result"]

    /// The tools the request offers the model, each as its name and the text the model reads
    /// about it, one line each: its name, and the descriptions, titles and parameter names at
    /// any depth of its parameters' schema, with the values listed as allowed, defaults or
    /// examples. Tool definitions often come from third-party MCP servers, not from the
    /// customer, and a model follows what they say ("tool poisoning"). OpenAI's `tools`
    /// (function and custom) and legacy `functions`, Anthropic's `tools`.
    func toolDefinitions(_ body: JSONValue) -> [(name: String, text: String)] {
        var tools: [JSONValue] = []
        if case .array(let offered)? = body["tools"] { tools += offered }
        if case .array(let offered)? = body["functions"] { tools += offered }
        return tools.compactMap { tool in
            let name = tool["function"]?["name"]?.stringValue ?? tool["custom"]?["name"]?.stringValue ?? tool["name"]?.stringValue ?? ""
            // The name is read as words too ("send_copy_to_admin").
            var lines = name.isEmpty ? [] : [name]
            Self.modelFacingStrings(in: tool, into: &lines)
            guard !lines.isEmpty else { return nil }
            return (name, lines.joined(separator: "\n"))
        }
    }

    /// Members whose strings a model reads as prose about a tool; other strings (types,
    /// formats, patterns) are schema machinery.
    private static let describingMembers: Set<String> = ["description", "title"]
    private static let listingMembers: Set<String> = ["enum", "examples", "default", "const"]

    private static func modelFacingStrings(in value: JSONValue, into lines: inout [String]) {
        switch value {
        case .object(let members):
            // In name order: the lines, and so what a scan reads across them, do not vary
            // between requests with the same tools.
            for name in members.keys.sorted() {
                guard let member = members[name] else { continue }
                if describingMembers.contains(name), case .string(let text) = member {
                    lines.append(text)
                } else if name == "properties", case .object(let parameters) = member {
                    // Parameter names are read too ("do_not_tell_the_user" is four words to a model).
                    lines += parameters.keys.sorted()
                    modelFacingStrings(in: member, into: &lines)
                } else if listingMembers.contains(name) {
                    allStrings(in: member, into: &lines)
                } else {
                    modelFacingStrings(in: member, into: &lines)
                }
            }
        case .array(let elements):
            for element in elements { modelFacingStrings(in: element, into: &lines) }
        default:
            break
        }
    }

    private static func allStrings(in value: JSONValue, into lines: inout [String]) {
        switch value {
        case .string(let text): lines.append(text)
        case .array(let elements): for element in elements { allStrings(in: element, into: &lines) }
        case .object(let members): for name in members.keys.sorted() { allStrings(in: members[name] ?? .null, into: &lines) }
        default: break
        }
    }

    /// A content field: a string, or blocks with `text`, the content of tool and search results,
    /// and files. Documents given as text (Anthropic's `document` blocks, whose text is in
    /// `source.data` or `source.content`) are the commonest carrier of indirect injection;
    /// files given inline (Anthropic's base64 sources, OpenAI's `file_data`) are read when
    /// their bytes are text, whatever type they claim.
    private static func collect(_ field: JSONValue?, into content: inout UntrustedContent, fromTool: Bool = false) {
        switch field {
        case .string(let text)?:
            content.append(text, fromTool: fromTool)
        case .array(let blocks)?:
            for block in blocks {
                let type = block["type"]?.stringValue
                if let text = block["text"]?.stringValue { content.append(text, fromTool: fromTool) }
                if let nested = block["content"] {
                    collect(nested, into: &content, fromTool: fromTool || toolResultBlocks.contains(type ?? ""))
                }
                switch type {
                case "image", "image_url":
                    content.unscanned.append("image")
                case "input_audio":
                    content.unscanned.append("audio")
                case "document":
                    collectDocument(block["source"], into: &content, fromTool: fromTool)
                case "file":
                    let data = block["file"]?["file_data"]?.stringValue
                    if let data, let text = AttachmentText.decode(dataURL: data) ?? AttachmentText.decode(base64: data) {
                        content.append(text, fromTool: fromTool)
                    } else {
                        content.unscanned.append("document")
                    }
                default:
                    break
                }
            }
        default:
            break
        }
    }

    /// An Anthropic document's source: text, content blocks, base64 data, a URL or a file id.
    private static func collectDocument(_ source: JSONValue?, into content: inout UntrustedContent, fromTool: Bool) {
        switch source?["type"]?.stringValue {
        case "text":
            if let data = source?["data"]?.stringValue { content.append(data, fromTool: fromTool) }
        case "content":
            collect(source?["content"], into: &content, fromTool: fromTool)
        case "base64":
            if let data = source?["data"]?.stringValue, let text = AttachmentText.decode(base64: data) {
                content.append(text, fromTool: fromTool)
            } else {
                content.unscanned.append("document")
            }
        default:
            content.unscanned.append("document")
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

    /// A streamed event's piece of text: the stream it continues, the text, and where it is.
    struct StreamedDelta: Sendable {
        var stream: Int
        var text: String
        var path: [JSONPath.Step]
    }

    /// The event's piece of completion text (or refusal, or thinking) or of tool-call arguments,
    /// which arrive as pieces of JSON text and go through a redactor of their own, so that a
    /// value split over events is still found. Each choice, content block and tool call is its
    /// own stream (OpenAI's tool calls are numbered below zero, apart from its choices).
    func delta(_ event: JSONValue) -> StreamedDelta? {
        switch self {
        case .openai:
            guard case .array(let choices)? = event["choices"], choices.count == 1, let delta = choices[0]["delta"] else { return nil }
            let choice = Self.streamIndex(choices[0]["index"])
            for field in ["content", "refusal"] {
                if let text = delta[field]?.stringValue {
                    return StreamedDelta(stream: choice, text: text, path: [.key("choices"), .index(0), .key("delta"), .key(field)])
                }
            }
            guard case .array(let calls)? = delta["tool_calls"], calls.count == 1,
                  let arguments = calls[0]["function"]?["arguments"]?.stringValue else { return nil }
            let call = Self.streamIndex(calls[0]["index"])
            return StreamedDelta(stream: -1 &- (choice &<< 16 | call & 0xFFFF), text: arguments,
                                 path: [.key("choices"), .index(0), .key("delta"), .key("tool_calls"), .index(0), .key("function"), .key("arguments")])
        case .anthropic:
            guard event["type"]?.stringValue == "content_block_delta", let delta = event["delta"] else { return nil }
            let block = Self.streamIndex(event["index"])
            let field: String? = switch delta["type"]?.stringValue {
            case "text_delta": "text"
            case "input_json_delta": "partial_json"
            case "thinking_delta": "thinking"
            default: nil
            }
            guard let field, let text = delta[field]?.stringValue else { return nil }
            return StreamedDelta(stream: block, text: text, path: [.key("delta"), .key(field)])
        }
    }

    private static func streamIndex(_ value: JSONValue?) -> Int {
        Int(truncatingIfNeeded: value?.integerValue ?? 0)
    }

    /// The event with its piece of text replaced (and, when it changed, without the per-token
    /// detail that would spell the original).
    func replacing(_ delta: StreamedDelta, in event: JSONValue, with text: String) -> JSONValue {
        let replaced = JSONPath.setting(.string(text), at: delta.path[...], in: event)
        return delta.text == text ? replaced : withoutTokenDetail(replaced)
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
