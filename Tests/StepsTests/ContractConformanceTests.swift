import FakeProviders
import FlowEngine
import Foundation
import Steps
import Testing

/// Every request the provider clients build, captured through a recording transport and checked
/// against the trimmed OpenAPI files in `Contracts/` (see `OpenAPIRequestValidator`).
@Suite("Requests conform to the OpenAPI contracts")
struct ContractConformanceTests {
    static let base = "http://fake.local"
    static func twilio() throws -> OpenAPIRequestValidator {
        try OpenAPIRequestValidator(contract: "twilio-messages.openapi.json", baseURL: base)
    }
    static func aeroapi() throws -> OpenAPIRequestValidator {
        try OpenAPIRequestValidator(contract: "aeroapi-flights.openapi.json", baseURL: base + "/aeroapi")
    }
    static func openai() throws -> OpenAPIRequestValidator {
        try OpenAPIRequestValidator(contract: "openai-chat.openapi.json", baseURL: base + "/v1")
    }

    /// Runs `body` with a recording transport over a fresh fake; returns the requests.
    static func capture(
        _ fake: FakeProviderServer = FakeProviderServer(clock: { TestSupport.now }),
        publicURL: String? = "https://flow.example.com",
        _ body: (StepContext, FakeProviderServer) async throws -> Void
    ) async throws -> [HTTPRequestSpec] {
        let recorder = RecordingTransport(wrapping: fake)
        var context = TestSupport.context(fake, transport: recorder)
        context.endpoints.publicBaseURL = publicURL
        try await body(context, fake)
        return recorder.exchanges.map(\.request)
    }

    static func expectValid(_ requests: [HTTPRequestSpec], _ validator: OpenAPIRequestValidator, count: Int) {
        #expect(requests.count == count, "captured \(requests.map(\.url))")
        for request in requests {
            let problems = validator.validate(request)
            #expect(problems.isEmpty, "\(request.method.rawValue) \(request.url): \(problems)")
        }
    }

    @Test("twilio: template via Messaging Service with StatusCallback, text with From and MediaUrl, fetch, list")
    func twilioRequests() async throws {
        let contentSid = "HX" + String(repeating: "f", count: 32)
        let requests = try await Self.capture { context, fake in
            let template: [String: Value] = [
                "to": "+5491155550000", "content_sid": .string(contentSid), "variables": ["1": "Ana", "2": "AR1302"],
            ]
            let sent = try #require(await TwilioSendTemplateStep().run(StepCall(arguments: template), context: context).value)
            let text: [String: Value] = [
                "to": "+5491155550000", "body": "Hola Ana", "from": "+14155238886",
                "media_url": "https://cdn.example.com/boarding.pdf", "status_callback": "https://other.example.com/cb",
            ]
            _ = try #require(await TwilioSendTextStep().run(StepCall(arguments: text), context: context).value)
            let client = TwilioClient(
                transport: context.transport, credentials: try #require(context.credentials.twilio), baseURL: Self.base)
            _ = try await client.fetch(sid: try #require(sent["sid"]?.stringValue)).get()
            for i in 0..<3 {
                _ = await TwilioSendTextStep().run(
                    StepCall(arguments: ["to": "+5491199990000", "body": .string("n\(i)")]), context: context)
            }
            _ = try await client.list(to: "whatsapp:+5491199990000", dateSentAfter: TestSupport.now, pageSize: 2).get()
        }
        let posts = requests.filter { $0.method == .post }
        #expect(String(decoding: posts[0].body, as: UTF8.self).contains("MessagingServiceSid=MG"))
        #expect(String(decoding: posts[0].body, as: UTF8.self).contains("StatusCallback=https%3A%2F%2Fflow.example.com"))
        #expect(String(decoding: posts[1].body, as: UTF8.self).contains("MediaUrl="))
        // 5 creates, 1 fetch, 2 list pages (next_page_uri followed).
        Self.expectValid(requests, try Self.twilio(), count: 8)
    }

    @Test("aeroapi: /flights/{ident} with x-apikey, start/end and the links.next cursor")
    func aeroapiRequests() async throws {
        var configuration = FakeProviderServer.Configuration()
        configuration.aeroapiPageSize = 1
        let fake = FakeProviderServer(configuration: configuration, clock: { TestSupport.now })
        let departure = Instant(iso8601: "2026-07-08T14:30:00Z")!
        let eze = (iata: "EZE", icao: "SAEZ", zone: Optional("America/Argentina/Buenos_Aires"))
        let mia = (iata: "MIA", icao: "KMIA", zone: Optional("America/New_York"))
        // As AeroAPIStepTests.pagination: one flight per page, newest first (COR +30m, day +1, day 0),
        // the wanted one (day -1) on the third page.
        var flights = (-1...1).map { day in
            FakeFlight(ident: "AR1302", faFlightID: "ARG1302-\(day + 10)", origin: eze, destination: mia,
                       scheduledOut: departure + .days(Int64(day)), blockTime: .hours(9)).value
        }
        flights.append(FakeFlight(
            ident: "AR1302", faFlightID: "ARG1302-other", origin: (iata: "COR", icao: "SACO", zone: nil), destination: mia,
            scheduledOut: departure + .minutes(30)).value)
        fake.setFlights(flights, for: "AR1302")
        let requests = try await Self.capture(fake) { context, _ in
            let args: [String: Value] = [
                "ident": "AR1302", "origin": "EZE", "scheduled_departure": .instant(departure - .days(1) + .hours(1)),
                "tolerance": .duration(.hours(30)),
            ]
            _ = try #require(await AeroAPIFlightStep(limiter: RateLimiter(plan: .premium)).run(
                StepCall(arguments: args), context: context).value)
        }
        #expect(requests.first?.url.contains("start=") == true && requests.first?.url.contains("end=") == true)
        #expect(requests.dropFirst().allSatisfy { $0.url.contains("cursor=") })
        Self.expectValid(requests, try Self.aeroapi(), count: 3)
    }

    @Test("openai: chat completion with a strict json_schema response format")
    func openaiRequests() async throws {
        let fake = FakeProviderServer()
        fake.script(.openai, [.openAIContent(#"{"intent":"flight_status"}"#)])
        let requests = try await Self.capture(fake) { context, _ in
            let args: [String: Value] = [
                "model": "gpt-4o-mini", "temperature": 0.2, "max_completion_tokens": 200, "schema_name": "concierge_intent",
                "messages": [["role": "system", "content": "Classify."], ["role": "user", "content": "¿Sale a horario?"]],
                "json_schema": [
                    "type": "object", "additionalProperties": false, "required": ["intent"],
                    "properties": ["intent": ["type": "string", "enum": ["flight_status", "other"]]],
                ],
            ]
            _ = try #require(await OpenAIChatStep().run(StepCall(arguments: args), context: context).value)
        }
        Self.expectValid(requests, try Self.openai(), count: 1)
    }

    struct Broken: Sendable, CustomTestStringConvertible {
        var name: String
        var contract: String
        var request: HTTPRequestSpec
        /// A fragment the validator's problems must contain.
        var expected: String
        var testDescription: String { name }
    }

    static let account = "AC" + String(repeating: "a", count: 32)
    static let basic = "Basic " + Data("\(account):token".utf8).base64EncodedString()
    static let form = [("Content-Type", "application/x-www-form-urlencoded"), ("Authorization", basic)]
    static let messages = "\(base)/2010-04-01/Accounts/\(account)/Messages.json"

    static let broken: [Broken] = [
        Broken(name: "unknown form field", contract: "twilio", request: HTTPRequestSpec(
            method: .post, url: messages, headers: form, body: Array("To=whatsapp%3A%2B54911&Colour=red&Body=x".utf8)),
               expected: "Colour is not declared"),
        Broken(name: "missing To", contract: "twilio", request: HTTPRequestSpec(
            method: .post, url: messages, headers: form, body: Array("Body=x".utf8)), expected: "To is missing"),
        Broken(name: "ContentSid pattern", contract: "twilio", request: HTTPRequestSpec(
            method: .post, url: messages, headers: form, body: Array("To=a&ContentSid=HX123".utf8)),
               expected: "ContentSid"),
        Broken(name: "no Basic auth", contract: "twilio", request: HTTPRequestSpec(
            method: .post, url: messages, headers: [("Content-Type", "application/x-www-form-urlencoded")],
            body: Array("To=a&Body=x".utf8)), expected: "security not satisfied"),
        Broken(name: "JSON instead of form", contract: "twilio", request: HTTPRequestSpec(
            method: .post, url: messages, headers: [("Content-Type", "application/json"), ("Authorization", basic)],
            body: Array(#"{"To":"a"}"#.utf8)), expected: "content type"),
        Broken(name: "bad account in path", contract: "twilio", request: HTTPRequestSpec(
            method: .get, url: "\(base)/2010-04-01/Accounts/AC123/Messages.json", headers: form), expected: "path.AccountSid"),
        Broken(name: "PageSize out of range", contract: "twilio", request: HTTPRequestSpec(
            method: .get, url: messages + "?PageSize=5000", headers: form), expected: "query.PageSize"),
        Broken(name: "unknown path", contract: "twilio", request: HTTPRequestSpec(
            method: .get, url: "\(base)/2010-04-01/Calls.json", headers: form), expected: "no path matches"),
        Broken(name: "missing x-apikey", contract: "aeroapi", request: HTTPRequestSpec(
            method: .get, url: "\(base)/aeroapi/flights/AR1302"), expected: "x-apikey"),
        Broken(name: "undeclared query and bad start", contract: "aeroapi", request: HTTPRequestSpec(
            method: .get, url: "\(base)/aeroapi/flights/AR1302?when=today&start=yesterday", headers: [("x-apikey", "k")]),
               expected: "query parameter when is not declared"),
        Broken(name: "POST is not an operation", contract: "aeroapi", request: HTTPRequestSpec(
            method: .post, url: "\(base)/aeroapi/flights/AR1302", headers: [("x-apikey", "k")]), expected: "not an operation"),
        Broken(name: "wrong role and no Bearer", contract: "openai", request: HTTPRequestSpec(
            method: .post, url: "\(base)/v1/chat/completions", headers: [("Content-Type", "application/json")],
            body: Array(#"{"model":"gpt-4o-mini","messages":[{"role":"robot","content":"hi"}]}"#.utf8)),
               expected: "messages[0]"),
        Broken(name: "unknown top-level property", contract: "openai", request: HTTPRequestSpec(
            method: .post, url: "\(base)/v1/chat/completions",
            headers: [("Content-Type", "application/json"), ("Authorization", "Bearer sk")],
            body: Array(#"{"model":"m","messages":[{"role":"user","content":"hi"}],"max_tokenz":3}"#.utf8)),
               expected: "max_tokenz"),
        Broken(name: "missing messages", contract: "openai", request: HTTPRequestSpec(
            method: .post, url: "\(base)/v1/chat/completions",
            headers: [("Content-Type", "application/json"), ("Authorization", "Bearer sk")],
            body: Array(#"{"model":"m"}"#.utf8)), expected: "messages is missing"),
    ]

    @Test("the validator rejects deliberately broken requests", arguments: broken)
    func rejects(_ case_: Broken) throws {
        let validator: OpenAPIRequestValidator
        switch case_.contract {
        case "twilio": validator = try Self.twilio()
        case "aeroapi": validator = try Self.aeroapi()
        default: validator = try Self.openai()
        }
        let problems = validator.validate(case_.request)
        #expect(problems.contains { $0.contains(case_.expected) }, "problems: \(problems)")
    }
}
