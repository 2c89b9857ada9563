import FlowEngine
import Steps
import Foundation

extension FakeProviderServer {
    func handleOpenAI(_ request: FakeRequest) async -> HTTPResponseSpec {
        countRequest(.openai)
        guard request.method == "POST" else { return Self.openAIError(405, "invalid_request_error", nil, "Method not allowed") }
        guard request.header("Authorization") == "Bearer \(configuration.openaiKey)" else {
            return Self.openAIError(401, "invalid_request_error", "invalid_api_key", "Incorrect API key provided.")
        }
        guard request.header("Content-Type")?.lowercased().hasPrefix("application/json") == true,
            let body = try? JSONDecoder().decode(Value.self, from: Data(request.body)), body.objectValue != nil
        else { return Self.openAIError(400, "invalid_request_error", nil, "We could not parse the JSON body of your request.") }
        if let problem = Self.validateChat(body) {
            return Self.openAIError(400, "invalid_request_error", "invalid_value", problem.message, param: problem.param)
        }
        state.withLock { $0.chatRequests.append(body) }

        var content: String? = body["response_format"]?["type"]?.stringValue == "json_schema" ? "{}" : "Hello from the fake."
        var refusal: String?
        switch nextReply(.openai) {
        case .normal: break
        case .delayed(let span): try? await Task.sleep(for: .milliseconds(span.milliseconds))
        case .openAIContent(let text): content = text
        case .openAIRefusal(let text): content = nil; refusal = text
        case .openAIError(let status, let type, let code, let retryMs):
            var headers: [(name: String, value: String)] = [
                ("x-ratelimit-limit-requests", "60"), ("x-ratelimit-remaining-requests", "0"),
                ("x-ratelimit-reset-requests", "1s"),
            ]
            if let retryMs {
                headers += [("retry-after-ms", String(retryMs)), ("retry-after", String(max(1, (retryMs + 999) / 1000)))]
            }
            return Self.openAIError(status, type, code, "Scripted \(code ?? type)", headers: headers)
        case .raw(let response): return response
        default: return Self.openAIError(500, "server_error", nil, "The server had an error.")
        }
        let reply: Value = [
            "id": .string("chatcmpl-fake\(requestCount(.openai))"), "object": "chat.completion", "created": 1_767_225_600,
            "model": body["model"] ?? "gpt-4o-mini",
            "choices": [[
                "index": 0, "logprobs": .null, "finish_reason": "stop",
                "message": [
                    "role": "assistant", "content": content.map(Value.string) ?? .null,
                    "refusal": refusal.map(Value.string) ?? .null, "annotations": [],
                ],
            ]],
            "usage": ["prompt_tokens": 42, "completion_tokens": 7, "total_tokens": 49],
        ]
        return Self.json(200, reply, headers: [("x-request-id", "req_fake"), ("openai-processing-ms", "5")])
    }

    struct ChatProblem {
        var param: String
        var message: String
    }

    /// The contract's `CreateChatCompletionRequest` rules the clients rely on (contracts README §3.2).
    static func validateChat(_ body: Value) -> ChatProblem? {
        guard let model = body["model"]?.stringValue, !model.isEmpty else { return ChatProblem(param: "model", message: "model is required") }
        guard let messages = body["messages"]?.arrayValue, !messages.isEmpty else {
            return ChatProblem(param: "messages", message: "messages must be a non-empty array")
        }
        for (i, message) in messages.enumerated() {
            let role = message["role"]?.stringValue ?? ""
            guard ["system", "developer", "user", "assistant", "tool"].contains(role) else {
                return ChatProblem(param: "messages[\(i)].role", message: "invalid role '\(role)'")
            }
            if role != "assistant", message["content"] == nil || message["content"] == .null {
                return ChatProblem(param: "messages[\(i)].content", message: "content is required")
            }
        }
        if let t = body["temperature"], !t.isNull {
            guard let n = t.numberValue, (0...2).contains(n) else { return ChatProblem(param: "temperature", message: "must be 0–2") }
        }
        if body["max_tokens"] != nil, body["max_completion_tokens"] != nil {
            return ChatProblem(param: "max_tokens", message: "use max_completion_tokens only")
        }
        if let format = body["response_format"] {
            switch format["type"]?.stringValue {
            case "text", "json_object": break
            case "json_schema":
                guard let spec = format["json_schema"], let name = spec["name"]?.stringValue, !name.isEmpty, name.count <= 64,
                    name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") })
                else { return ChatProblem(param: "response_format.json_schema.name", message: "invalid schema name") }
                guard spec["schema"]?.objectValue != nil else {
                    return ChatProblem(param: "response_format.json_schema.schema", message: "schema must be an object")
                }
                if spec["strict"] == .bool(true), let problem = strictProblem(spec["schema"]!, path: "schema") {
                    return ChatProblem(param: "response_format.json_schema.\(problem.0)", message: problem.1)
                }
            default:
                return ChatProblem(param: "response_format.type", message: "unknown response_format type")
            }
        }
        return nil
    }

    /// Strict mode: every object sets `additionalProperties: false` and requires all its properties.
    static func strictProblem(_ schema: Value, path: String) -> (String, String)? {
        if let properties = schema["properties"]?.objectValue {
            guard schema["additionalProperties"] == .bool(false) else { return (path, "additionalProperties must be false") }
            let required = Set((schema["required"]?.arrayValue ?? []).compactMap(\.stringValue))
            guard required == Set(properties.keys) else { return (path, "every property must be required") }
            for (name, sub) in properties.sorted(by: { $0.key < $1.key }) {
                if let problem = strictProblem(sub, path: "\(path).properties.\(name)") { return problem }
            }
        }
        if let items = schema["items"] { return strictProblem(items, path: "\(path).items") }
        return nil
    }

    static func openAIError(
        _ status: Int, _ type: String, _ code: String?, _ message: String, param: String? = nil,
        headers: [(name: String, value: String)] = []
    ) -> HTTPResponseSpec {
        json(status, [
            "error": [
                "message": .string(message), "type": .string(type), "param": param.map(Value.string) ?? .null,
                "code": code.map(Value.string) ?? .null,
            ],
        ], headers: headers)
    }
}
