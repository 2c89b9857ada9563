import FakeProviders
import FlowEngine
import Steps
import Testing

@Suite("StatusCallback from FLOW_PUBLIC_URL")
struct TwilioStatusCallbackTests {
    static let send: [String: Value] = [
        "to": "+5491155550000", "content_sid": .string("HX" + String(repeating: "f", count: 32)),
        "variables": ["1": "Ana"],
    ]

    @Test("sends carry the daemon's status webhook when the public URL is configured, else none")
    func defaultCallback() async throws {
        for (publicURL, expected) in [("https://flow.example.com/", "https://flow.example.com/webhooks/twilio/status"),
                                      (nil, nil)] as [(String?, String?)] {
            let fake = FakeProviderServer()
            var context = TestSupport.context(fake)
            context.endpoints.publicBaseURL = publicURL.map { var u = $0; u.removeLast(); return u }
            _ = try #require(await TwilioSendTemplateStep().run(StepCall(arguments: Self.send), context: context).value)
            #expect(fake.acceptedMessages.first?.statusCallback == expected)
        }
    }

    @Test("an explicit status_callback wins over the public URL")
    func explicitWins() async throws {
        let fake = FakeProviderServer()
        var context = TestSupport.context(fake)
        context.endpoints = try ProviderEndpoints.fromEnvironment(["FLOW_PUBLIC_URL": "https://flow.example.com"])
        context.endpoints.twilio = "http://fake.local"
        var args = Self.send
        args["status_callback"] = "https://other.example.com/cb"
        _ = try #require(await TwilioSendTemplateStep().run(StepCall(arguments: args), context: context).value)
        #expect(fake.acceptedMessages.first?.statusCallback == "https://other.example.com/cb")
        #expect(context.endpoints.twilioStatusCallback == "https://flow.example.com/webhooks/twilio/status")
    }
}
