import FakeProviders
import FlowEngine
import FlowRuntime
import Travel
import Foundation
import Hummingbird
import HummingbirdTesting
import Steps
import Testing

@Suite("The Twilio fake posts signed status callbacks")
struct FakeStatusCallbackTests {
    static let send: [String: Value] = [
        "to": "+5491155550000", "content_sid": .string("HX" + String(repeating: "f", count: 32)), "variables": ["1": "Ana"],
    ]

    /// Sends two messages through the fake (the second scripted to fail with 63016) whose callbacks
    /// reach real webhook routes on a live loopback server verifying signatures with the fake's token.
    @Test("queued → sent → delivered, and a scripted undelivered with ErrorCode, all verified by the routes")
    func callbacks() async throws {
        var configuration = FakeProviderServer.Configuration()
        configuration.sendsStatusCallbacks = true
        configuration.statusCallbackDelay = TimeSpan(milliseconds: 20)
        let fake = FakeProviderServer(configuration: configuration)
        fake.scriptDelivery([.delivered, .undelivered(errorCode: 63016)])
        let sink = RecordingSink()
        let port = try LoopbackPort.free()
        let base = "http://127.0.0.1:\(port)"
        let router = Router()
        TwilioWebhookRoutes.add(
            to: router, sink: sink,
            configuration: TwilioWebhookConfiguration(publicURL: base, authToken: Secret(configuration.twilioAuthToken)))
        let (running, ready) = AsyncStream.makeStream(of: Void.self)
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)),
            onServerRunning: { _ in ready.yield(); ready.finish() })
        let server = Task { try await app.run() }
        defer { server.cancel() }
        for await _ in running {}
        do {
            var context = TestSupport.context(fake)
            context.endpoints.publicBaseURL = base
            let first = try #require(await TwilioSendTemplateStep().run(StepCall(arguments: Self.send), context: context).value)
            let second = try #require(await TwilioSendTemplateStep().run(StepCall(arguments: Self.send), context: context).value)
            for _ in 0..<250 where fake.statusCallbacks.count < 6 { try await Task.sleep(for: .milliseconds(20)) }
            let posted = fake.statusCallbacks
            #expect(posted.count == 6)
            #expect(posted.allSatisfy { $0.responseStatus == 200 && $0.url == base + "/webhooks/twilio/status" })
            let statuses = sink.statuses.withLock { $0 }
            let firstSid = try #require(first["sid"]?.stringValue), secondSid = try #require(second["sid"]?.stringValue)
            #expect(statuses.filter { $0.messageSid == firstSid }.map(\.status) == ["queued", "sent", "delivered"])
            #expect(statuses.filter { $0.messageSid == secondSid }.map(\.status) == ["queued", "sent", "undelivered"])
            #expect(statuses.last { $0.messageSid == secondSid }?.errorCode == 63016)
            #expect(fake.acceptedMessages.map(\.status) == ["delivered", "undelivered"])
        }
    }
}
