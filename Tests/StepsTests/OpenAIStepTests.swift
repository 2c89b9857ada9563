import FakeProviders
import FlowEngine
import Steps
import Testing

@Suite("openai.chat against the fake")
struct OpenAIStepTests {
    static let schema: Value = [
        "type": "object", "additionalProperties": false, "required": ["intent", "confidence", "reply"],
        "properties": [
            "intent": ["type": "string", "enum": ["flight_status", "baggage", "other"]],
            "confidence": ["type": "number", "minimum": 0, "maximum": 1],
            "reply": ["type": ["string", "null"]],
        ],
    ]
    static let args: [String: Value] = [
        "model": "gpt-4o-mini",
        "messages": [["role": "system", "content": "Classify."], ["role": "user", "content": "¿Sale a horario mi vuelo?"]],
        "temperature": 0.2, "max_completion_tokens": 200, "json_schema": schema, "schema_name": "concierge_intent",
    ]

    @Test("a schema-valid reply is parsed, with token usage")
    func success() async throws {
        let fake = FakeProviderServer()
        fake.script(.openai, [.openAIContent(#"{"intent":"flight_status","confidence":0.9,"reply":null}"#)])
        let result = try #require(await OpenAIChatStep().run(StepCall(arguments: Self.args), context: TestSupport.context(fake)).value)
        #expect(result["json"]?["intent"] == "flight_status")
        #expect(result["usage"]?["total_tokens"] == 49)
        let sent = try #require(fake.chatRequests.first)
        #expect(sent["response_format"]?["json_schema"]?["strict"] == true)
        #expect(sent["response_format"]?["json_schema"]?["name"] == "concierge_intent")
        #expect(sent["max_completion_tokens"] == 200)
        #expect(sent["max_tokens"] == nil)
    }

    @Test("replies that break the schema are invalid_response", arguments: [
        #"{"intent":"weather","confidence":0.9,"reply":null}"#,
        #"{"intent":"other","confidence":1.5,"reply":null}"#,
        #"{"intent":"other","confidence":0.5}"#,
        #"{"intent":"other","confidence":0.5,"reply":null,"extra":1}"#,
        #"{"intent":"other","confidence":"high","reply":null}"#,
        #"not json at all"#,
    ])
    func schemaMismatch(_ content: String) async throws {
        let fake = FakeProviderServer()
        fake.script(.openai, [.openAIContent(content)])
        let failure = try #require(await OpenAIChatStep().run(StepCall(arguments: Self.args), context: TestSupport.context(fake)).failure)
        #expect(failure.errorClass == .invalidResponse)
    }


    @Test("errors map into the taxonomy, honouring retry-after-ms", arguments: [
        ProviderErrorCase(reply: .openAIError(status: 429, type: "tokens", code: "rate_limit_exceeded", retryAfterMilliseconds: 174),
                  errorClass: .transient, code: "openai.rate_limit_exceeded", retryAfter: TimeSpan(milliseconds: 174)),
        ProviderErrorCase(reply: .openAIError(status: 429, type: "insufficient_quota", code: "insufficient_quota"),
                  errorClass: .permanent, code: "openai.insufficient_quota"),
        ProviderErrorCase(reply: .openAIError(status: 500, type: "server_error", code: nil), errorClass: .transient, code: "openai.server_error"),
        ProviderErrorCase(reply: .openAIError(status: 503, type: "service_unavailable_error", code: "server_is_overloaded"),
                  errorClass: .transient, code: "openai.server_is_overloaded"),
        ProviderErrorCase(reply: .openAIError(status: 400, type: "invalid_request_error", code: "invalid_value"),
                  errorClass: .permanent, code: "openai.invalid_value"),
        ProviderErrorCase(reply: .raw(HTTPResponseSpec(status: 429, headers: [("retry-after", "3")], text: "{}")),
                  errorClass: .transient, code: "openai.http_429", retryAfter: .seconds(3)),
        ProviderErrorCase(reply: .raw(HTTPResponseSpec(status: 500, headers: [("x-should-retry", "false")], text: "{}")),
                  errorClass: .permanent, code: "openai.http_500"),
        ProviderErrorCase(reply: .openAIRefusal("I can't help with that."), errorClass: .permanent, code: "openai.refusal"),
    ])
    func errors(_ c: ProviderErrorCase) async throws {
        let fake = FakeProviderServer()
        fake.script(.openai, [c.reply])
        let failure = try #require(await OpenAIChatStep().run(StepCall(arguments: Self.args), context: TestSupport.context(fake)).failure)
        #expect(failure.errorClass == c.errorClass)
        #expect(failure.code == c.code)
        #expect(failure.retryAfter == c.retryAfter)
    }

    @Test("a bad key is permanent; a slow reply is a timeout; rate limits are retried")
    func authTimeoutRetry() async throws {
        let fake = FakeProviderServer()
        var badKey = TestSupport.context(fake)
        badKey.credentials.openaiKey = Secret("sk-wrong")
        #expect(await OpenAIChatStep().run(StepCall(arguments: Self.args), context: badKey).failure?.code == "openai.invalid_api_key")
        fake.script(.openai, [.delayed(.seconds(2))])
        let slow = await OpenAIChatStep().run(StepCall(arguments: Self.args), context: TestSupport.context(fake, timeout: TimeSpan(milliseconds: 100)))
        #expect(slow.failure?.errorClass == .timeout)

        fake.script(.openai, [
            .openAIError(status: 429, type: "requests", code: "rate_limit_exceeded", retryAfterMilliseconds: 250),
            .openAIContent(#"{"intent":"other","confidence":0.1,"reply":"ok"}"#),
        ])
        let report = await StepAttempts.run(
            OpenAIChatStep(), StepCall(arguments: Self.args), context: TestSupport.context(fake),
            backoff: Backoff(initial: .seconds(1), maxAttempts: 3), sleep: { _ in })
        #expect(report.outcome.value?["json"]?["reply"] == "ok")
        #expect(report.waits == [TimeSpan(milliseconds: 250)])
    }

    @Test("the schema subset validator reports paths")
    func validator() {
        let schema: Value = [
            "type": "object", "required": ["items"], "additionalProperties": false,
            "properties": ["items": ["type": "array", "minItems": 1, "maxItems": 2, "items": ["type": "integer"]]],
        ]
        #expect(JSONSchemaSubset.validate(["items": [1, 2]], against: schema).isEmpty)
        #expect(JSONSchemaSubset.validate(["items": [1, 2.5]], against: schema).map(\.path) == ["$.items[1]"])
        #expect(JSONSchemaSubset.validate(["items": []], against: schema).count == 1)
        #expect(JSONSchemaSubset.validate(["items": [1, 2, 3]], against: schema).count == 1)
        #expect(JSONSchemaSubset.validate([:], against: schema).map(\.message) == ["missing required property 'items'"])
    }
}
