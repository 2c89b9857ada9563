public import FlowEngine
import Foundation

/// `openai.chat`: `POST /chat/completions` with Bearer auth. With `json_schema` the request uses
/// strict Structured Outputs and the reply is parsed and validated against the schema.
///
/// Result: `{id, model, content, json (the parsed reply, or null without a schema),
/// finish_reason, usage: {prompt_tokens, completion_tokens, total_tokens}}`.
///
/// Errors: 429 `rate_limit_exceeded`, 408/409, 5xx and connection failures → transient (with
/// `retryAfter` from `retry-after-ms`/`retry-after`); 429 `insufficient_quota` and other 4xx →
/// permanent; `x-should-retry` overrides; a refusal → permanent `openai.refusal`; a reply that is
/// not JSON or fails its schema → `invalid_response` (a distinct class, so a flow may retry it
/// once — sampling can produce a valid reply next time — without retrying it like an outage).
///
/// Every answered call adds a `model_usage` entry to the timeline (``notes(for:call:context:)``):
/// the model as the API named it, the tokens, and the cost from ``prices``. A failed call adds
/// none: OpenAI's error replies report no usage.
public struct OpenAIChatStep: Step {
    public static let signature = StepSignature.openaiChat

    static let roles: Set<String> = ["system", "developer", "user", "assistant"]

    /// The price table calls are costed with.
    public let prices: ModelPrices

    public init(prices: ModelPrices = .defaults) {
        self.prices = prices
    }

    /// `model_usage` for an answered call; nothing for a failed one.
    public func notes(for outcome: StepOutcome, call: StepCall, context: StepContext) -> [TimelineEntry] {
        guard let result = outcome.value else { return [] }
        let model = result["model"]?.stringValue ?? call.arguments["model"]?.stringValue ?? "unknown"
        let usage = result["usage"]
        let prompt = usage?["prompt_tokens"]?.intValue ?? 0
        let completion = usage?["completion_tokens"]?.intValue ?? 0
        let total = usage?["total_tokens"]?.intValue ?? prompt + completion
        let price = prices.price(for: model)
        let entry = TimelineEntry.modelUsage(
            state: context.state, step: Self.signature.name, callID: context.callID, model: model,
            promptTokens: prompt, completionTokens: completion, totalTokens: total,
            cost: price?.cost(promptTokens: prompt, completionTokens: completion),
            reason: price == nil ? "no price for model \(model)" : nil)
        return [entry.inFrame(context.frame)]
    }

    public func run(_ call: StepCall, context: StepContext) async -> StepOutcome {
        do throws(StepFailure) {
            let (request, schema) = try makeRequest(call, context: context)
            let response: HTTPResponseSpec
            do {
                response = try await context.transport.send(request, timeout: context.timeout ?? .seconds(120))
            } catch {
                throw .transport(error, provider: "openai")
            }
            guard response.status == 200 else { throw OpenAIErrorMapping.failure(response) }
            let result = try Self.interpret(response, schema: schema)
            if let usage = result["usage"] {
                context.logger.debug("openai usage", metadata: ["flow.tokens": "\(usage["total_tokens"]?.intValue ?? 0)"])
            }
            return .success(result)
        } catch {
            context.logger.info("openai.chat failed", metadata: ["flow.error": "\(error.code)"])
            return .failure(error)
        }
    }

    /// The HTTP request for a call, and the schema its reply must satisfy (exposed for contract tests).
    public func makeRequest(_ call: StepCall, context: StepContext) throws(StepFailure) -> (HTTPRequestSpec, Value?) {
        let args = StepArguments(call.arguments)
        guard let key = context.credentials.openaiKey else { throw .missingCredential("OPENAI_API_KEY") }
        let model = try args.string("model")
        guard let messages = call.arguments["messages"]?.arrayValue, !messages.isEmpty else {
            throw .badArgument("messages", "must be a non-empty list of {role, content}")
        }
        var wire: [Value] = []
        for (i, message) in messages.enumerated() {
            guard let role = message["role"]?.stringValue, Self.roles.contains(role) else {
                throw .badArgument("messages", "item \(i) needs a role of system, developer, user or assistant")
            }
            guard let content = message["content"]?.stringValue else {
                throw .badArgument("messages", "item \(i) needs a string content")
            }
            wire.append(["role": .string(role), "content": .string(content)])
        }
        var body: [String: Value] = ["model": .string(model), "messages": .array(wire)]
        if let t = try args.optionalNumber("temperature") {
            guard (0...2).contains(t) else { throw .badArgument("temperature", "must be between 0 and 2") }
            body["temperature"] = .number(t)
        }
        if let m = try args.optionalNumber("max_completion_tokens") {
            guard m >= 1, m.rounded() == m else { throw .badArgument("max_completion_tokens", "must be a positive integer") }
            body["max_completion_tokens"] = .number(m)
        }
        let schema = try args.optionalObject("json_schema").map(Value.object)
        if let schema {
            let name = try args.optionalString("schema_name") ?? "reply"
            guard !name.isEmpty, name.count <= 64,
                name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") })
            else { throw .badArgument("schema_name", "must be 1–64 of a-z, A-Z, 0-9, _ and -") }
            body["response_format"] = [
                "type": "json_schema",
                "json_schema": ["name": .string(name), "schema": schema, "strict": true],
            ]
        }
        let request = HTTPRequestSpec(
            method: .post, url: context.endpoints.openai + "/chat/completions",
            headers: [("Authorization", "Bearer \(key.exposed)"), ("Content-Type", "application/json"),
                      ("Accept", "application/json")],
            body: Array(Value.object(body).jsonText.utf8))
        return (request, schema)
    }

    static func interpret(_ response: HTTPResponseSpec, schema: Value?) throws(StepFailure) -> Value {
        func invalid(_ code: String, _ message: String) -> StepFailure {
            StepFailure(.invalidResponse, code: "openai.\(code)", message: message, providerStatus: response.status)
        }
        guard let reply = try? JSONDecoder().decode(Value.self, from: Data(response.body)),
            let choice = reply["choices"]?.arrayValue?.first, let message = choice["message"]
        else { throw invalid("invalid_response", "the reply is not a chat.completion with choices") }
        if let refusal = message["refusal"]?.stringValue {
            throw StepFailure(.permanent, code: "openai.refusal", message: String(refusal.prefix(300)), providerStatus: 200)
        }
        guard let content = message["content"]?.stringValue else { throw invalid("empty_reply", "the reply has no content") }
        var parsed: Value = .null
        if let schema {
            guard let json = try? JSONDecoder().decode(Value.self, from: Data(content.utf8)) else {
                let reason = choice["finish_reason"]?.stringValue == "length" ? " (cut off at the token limit)" : ""
                throw invalid("reply_not_json", "the reply is not JSON\(reason)")
            }
            let violations = JSONSchemaSubset.validate(json, against: schema)
            if !violations.isEmpty {
                let shown = violations.prefix(3).map(\.description).joined(separator: "; ")
                throw invalid("schema_mismatch", "the reply does not match its schema: \(shown)")
            }
            parsed = json
        }
        let usage = reply["usage"]
        return .object([
            "id": reply["id"] ?? .null,
            "model": reply["model"] ?? .null,
            "content": .string(content),
            "json": parsed,
            "finish_reason": choice["finish_reason"] ?? .null,
            "usage": .object([
                "prompt_tokens": usage?["prompt_tokens"] ?? 0,
                "completion_tokens": usage?["completion_tokens"] ?? 0,
                "total_tokens": usage?["total_tokens"] ?? 0,
            ]),
        ])
    }
}

/// Maps OpenAI error responses into the taxonomy (docs/providers.md has the table).
public enum OpenAIErrorMapping {
    public static func failure(_ response: HTTPResponseSpec) -> StepFailure {
        let status = response.status
        let body = try? JSONDecoder().decode(Value.self, from: Data(response.body))
        let error = body?["error"]
        let type = error?["type"]?.stringValue
        let code = error?["code"]?.stringValue
        let message = String((error?["message"]?.stringValue ?? "HTTP \(status)").prefix(300))
        let codeText = "openai.\(code ?? type ?? "http_\(status)")"
        var retryAfter = RetryAfter.parse(response)
        var errorClass: ErrorClass
        if code == "insufficient_quota" || type == "insufficient_quota" {
            errorClass = .permanent
        } else if status == 429 || status == 408 || status == 409 || status >= 500 {
            errorClass = .transient
        } else {
            errorClass = .permanent
        }
        switch response.header("x-should-retry")?.lowercased() {
        case "true": errorClass = .transient
        case "false": errorClass = .permanent
        default: break
        }
        if errorClass != .transient { retryAfter = nil }
        return StepFailure(errorClass, code: codeText, message: message, retryAfter: retryAfter, providerStatus: status)
    }
}
