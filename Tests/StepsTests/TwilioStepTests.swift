import FakeProviders
import FlowEngine
import Steps
import Testing

@Suite("twilio.send_template and twilio.send_text against the fake")
struct TwilioStepTests {
    static let contentSid = "HX" + String(repeating: "f", count: 32)
    static let template: [String: Value] = [
        "to": "+5491155550000", "content_sid": .string(contentSid), "variables": ["1": "Ana", "2": 3, "3": "8 Jul 11:30 hs"],
        "status_callback": "https://flow.example.com/webhooks/twilio/status",
    ]

    @Test("a template is sent once, form-encoded, through the messaging service")
    func sendsTemplate() async throws {
        let fake = FakeProviderServer()
        let outcome = await TwilioSendTemplateStep().run(StepCall(arguments: Self.template), context: TestSupport.context(fake))
        let result = try #require(outcome.value)
        #expect(result["status"] == "accepted")
        #expect(result["sid"]?.stringValue?.hasPrefix("SM") == true)
        #expect(fake.acceptedCount == 1)
        let message = try #require(fake.acceptedMessages.first)
        #expect(message.to == "whatsapp:+5491155550000")
        #expect(message.messagingServiceSid == fake.credentials.twilio?.messagingServiceSid)
        #expect(message.contentSid == Self.contentSid)
        #expect(message.contentVariables == ["1": "Ana", "2": "3", "3": "8 Jul 11:30 hs"])
        #expect(message.statusCallback == "https://flow.example.com/webhooks/twilio/status")
    }

    @Test("text with media and an explicit sender")
    func sendsText() async throws {
        let fake = FakeProviderServer()
        let args: [String: Value] = [
            "to": "+5491155550000", "body": "Hola Ana", "media_url": "https://cdn.example.com/boarding.pdf",
            "from": "+14155238886",
        ]
        let outcome = await TwilioSendTextStep().run(StepCall(arguments: args), context: TestSupport.context(fake))
        #expect(outcome.value?["status"] == "queued")
        let message = try #require(fake.acceptedMessages.first)
        #expect(message.from == "whatsapp:+14155238886")
        #expect(message.body == "Hola Ana")
        #expect(message.mediaURLs == ["https://cdn.example.com/boarding.pdf"])
    }


    static let errorCases: [ProviderErrorCase] = [
        ProviderErrorCase(reply: .twilioError(code: 21211, status: 400), errorClass: .permanent, code: "twilio.21211"),
        ProviderErrorCase(reply: .twilioError(code: 21610, status: 400), errorClass: .permanent, code: "twilio.21610"),
        ProviderErrorCase(reply: .twilioError(code: 21656, status: 400), errorClass: .permanent, code: "twilio.21656"),
        ProviderErrorCase(reply: .twilioError(code: 20003, status: 401), errorClass: .permanent, code: "twilio.20003"),
        ProviderErrorCase(reply: .twilioError(code: 20429, status: 429), errorClass: .transient, code: "twilio.20429"),
        ProviderErrorCase(reply: .twilioError(code: 20500, status: 500), errorClass: .transient, code: "twilio.20500"),
        ProviderErrorCase(reply: .twilioError(code: 20503, status: 503), errorClass: .transient, code: "twilio.20503"),
        ProviderErrorCase(reply: .raw(HTTPResponseSpec(status: 502, text: "<html>bad gateway</html>")), errorClass: .transient,
                  code: "twilio.http_502"),
    ]

    @Test("provider errors map into the taxonomy", arguments: errorCases)
    func mapsErrors(_ c: ProviderErrorCase) async throws {
        let fake = FakeProviderServer()
        fake.script(.twilio, [c.reply])
        let outcome = await TwilioSendTemplateStep().run(StepCall(arguments: Self.template), context: TestSupport.context(fake))
        let failure = try #require(outcome.failure)
        #expect(failure.errorClass == c.errorClass)
        #expect(failure.code == c.code)
        #expect(fake.acceptedCount == 0)
    }

    @Test("the fake's own contract checks answer real Twilio codes")
    func fakeValidates() async throws {
        var configuration = FakeProviderServer.Configuration()
        configuration.optedOut = ["+5491100000000"]
        let fake = FakeProviderServer(configuration: configuration)
        let context = TestSupport.context(fake)
        let optedOut = await TwilioSendTextStep().run(
            StepCall(arguments: ["to": "+5491100000000", "body": "hi"]), context: context)
        #expect(optedOut.failure?.code == "twilio.21610")
        #expect(optedOut.failure?.errorClass == .permanent)

        var wrongCredentials = context
        wrongCredentials.credentials.twilio?.password = Secret("wrong")
        let unauthorized = await TwilioSendTextStep().run(StepCall(arguments: ["to": "+5491155550000", "body": "hi"]), context: wrongCredentials)
        #expect(unauthorized.failure?.code == "twilio.20003")
        #expect(unauthorized.failure?.providerStatus == 401)

        let client = TwilioClient(transport: fake, credentials: fake.credentials.twilio!, baseURL: "http://fake.local")
        let badVariables = await client.create([
            ("To", "whatsapp:+5491155550000"), ("MessagingServiceSid", "MG" + String(repeating: "c", count: 32)),
            ("ContentSid", Self.contentSid), ("ContentVariables", #"{"1":"two\nlines"}"#),
        ])
        #expect(badVariables.failureCode == "twilio.21656")
        let notWhatsApp = await client.create([("To", "+5491155550000"), ("From", "whatsapp:+14155238886"), ("Body", "x")])
        #expect(notWhatsApp.failureCode == "twilio.21211")
        let noSender = await client.create([("To", "whatsapp:+5491155550000"), ("Body", "x")])
        #expect(noSender.failureCode == "twilio.21603")
        #expect(fake.acceptedCount == 0)
    }

    @Test("bad arguments fail before any request", arguments: [
        ["to": "5491155550000", "content_sid": .string(contentSid)],
        ["to": "+5491155550000", "content_sid": "HX123"],
        ["to": "+5491155550000", "content_sid": .string(contentSid), "variables": ["1": "a\tb"]],
        ["to": "+5491155550000", "content_sid": .string(contentSid), "variables": ["1": ""]],
        ["to": "+5491155550000", "content_sid": .string(contentSid), "variables": ["1": .null]],
    ] as [[String: Value]])
    func rejectsArguments(_ args: [String: Value]) async throws {
        let fake = FakeProviderServer()
        let outcome = await TwilioSendTemplateStep().run(StepCall(arguments: args), context: TestSupport.context(fake))
        #expect(outcome.failure?.errorClass == .permanent)
        #expect(fake.requestCount(.twilio) == 0)
    }

    @Test("a send slower than the deadline is a timeout")
    func timeout() async throws {
        let fake = FakeProviderServer()
        fake.script(.twilio, [.delayed(.seconds(2))])
        let context = TestSupport.context(fake, timeout: TimeSpan(milliseconds: 100))
        let outcome = await TwilioSendTemplateStep().run(StepCall(arguments: Self.template), context: context)
        #expect(outcome.failure?.errorClass == .timeout)
        #expect(outcome.failure?.code == "transport.timeout")
    }

    @Test("transient failures are retried with backoff; permanent ones are not")
    func retries() async throws {
        let fake = FakeProviderServer()
        fake.script(.twilio, [.twilioError(code: 20429, status: 429), .twilioError(code: 20500, status: 500), .normal])
        let backoff = Backoff(initial: .seconds(5), factor: 2, cap: .minutes(5), jitter: 0, maxAttempts: 3)
        let report = await StepAttempts.run(
            TwilioSendTemplateStep(), StepCall(arguments: Self.template), context: TestSupport.context(fake),
            backoff: backoff, sleep: { _ in })
        #expect(report.outcome.value != nil)
        #expect(report.attempts == 3)
        #expect(report.waits == [.seconds(5), .seconds(10)])
        #expect(fake.acceptedCount == 1)

        fake.script(.twilio, [.twilioError(code: 21211, status: 400)])
        let permanent = await StepAttempts.run(
            TwilioSendTemplateStep(), StepCall(arguments: Self.template), context: TestSupport.context(fake),
            backoff: backoff, sleep: { _ in })
        #expect(permanent.attempts == 1)
        #expect(permanent.waits.isEmpty)
    }

    @Test("an in-doubt send is resolved by listing messages")
    func lookup() async throws {
        let fake = FakeProviderServer(clock: { TestSupport.now })
        let context = TestSupport.context(fake)
        let call = StepCall(arguments: ["to": "+5491155550000", "body": "Hola"])
        let before = await TwilioSendFields.lookupSentMessage(call, context: context, after: TestSupport.now)
        #expect(before == .notSent)
        _ = await TwilioSendTextStep().run(call, context: context)
        _ = await TwilioSendTextStep().run(StepCall(arguments: ["to": "+5491199990000", "body": "Hola"]), context: context)
        guard case .sent(let message) = await TwilioSendFields.lookupSentMessage(call, context: context, after: TestSupport.now)
        else { Issue.record("expected the message to be found"); return }
        #expect(message.to == "whatsapp:+5491155550000")
        let other = StepCall(arguments: ["to": "+5491155550000", "body": "Chau"])
        #expect(await TwilioSendFields.lookupSentMessage(other, context: context, after: TestSupport.now) == .notSent)
        let later = await TwilioSendFields.lookupSentMessage(call, context: context, after: TestSupport.now + .hours(1))
        #expect(later == .notSent)

        let client = TwilioClient(transport: fake, credentials: fake.credentials.twilio!, baseURL: "http://fake.local")
        let fetched = await client.fetch(sid: message.sid)
        #expect((try? fetched.get())?.sid == message.sid)
        let missing = await client.fetch(sid: "SM" + String(repeating: "9", count: 32))
        #expect(missing.failureCode == "twilio.20404")
    }

    @Test("listing follows next_page_uri")
    func listPages() async throws {
        let fake = FakeProviderServer(clock: { TestSupport.now })
        let context = TestSupport.context(fake)
        for i in 0..<5 {
            _ = await TwilioSendTextStep().run(StepCall(arguments: ["to": "+5491155550000", "body": .string("n\(i)")]), context: context)
        }
        let client = TwilioClient(transport: fake, credentials: fake.credentials.twilio!, baseURL: "http://fake.local")
        let all = try await client.list(to: "whatsapp:+5491155550000", dateSentAfter: nil, pageSize: 2).get()
        #expect(all.count == 5)
        #expect(Set(all.map(\.body)) == Set((0..<5).map { "n\($0)" }))
    }
}

extension Result where Failure == StepFailure {
    var failureCode: String? { if case .failure(let f) = self { f.code } else { nil } }
}
