import AsyncHTTPClient
import FakeProviders
import FlowEngine
import Steps
import Testing

@Suite("Steps over real HTTP to the fake server")
struct LiveServerTests {
    @Test("all three providers through AsyncHTTPClientTransport on 127.0.0.1")
    func live() async throws {
        let fake = FakeProviderServer()
        let base = try await fake.start()
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            let recording = RecordingTransport(wrapping: AsyncHTTPClientTransport(client: client, defaultTimeout: .seconds(5)))
            var context = TestSupport.context(fake, transport: recording)
            context.endpoints = .local(base)
            let sent = await TwilioSendTemplateStep().run(StepCall(arguments: [
                "to": "+5491155550000", "content_sid": .string("HX" + String(repeating: "a", count: 32)),
                "variables": ["1": "Ana"],
            ]), context: context)
            #expect(sent.value?["status"] == "accepted")
            #expect(fake.acceptedCount == 1)

            fake.setFlights([FakeFlight(
                ident: "AR1302", faFlightID: "ARG1302-1", origin: (iata: "EZE", icao: "SAEZ", zone: "America/Argentina/Buenos_Aires"),
                destination: (iata: "MIA", icao: "KMIA", zone: "America/New_York"), scheduledOut: TestSupport.now + .hours(5)).value],
                for: "AR1302")
            let flight = await AeroAPIFlightStep().run(StepCall(arguments: [
                "ident": "AR1302", "origin": "EZE", "scheduled_departure": .instant(TestSupport.now + .hours(5)),
            ]), context: context)
            #expect(flight.value?["fa_flight_id"] == "ARG1302-1")

            fake.script(.openai, [.openAIError(status: 429, type: "tokens", code: "rate_limit_exceeded", retryAfterMilliseconds: 80)])
            let limited = await OpenAIChatStep().run(StepCall(arguments: [
                "model": "gpt-4o-mini", "messages": [["role": "user", "content": "hola"]],
            ]), context: context)
            #expect(limited.failure?.retryAfter == TimeSpan(milliseconds: 80))
            let chat = await OpenAIChatStep().run(StepCall(arguments: [
                "model": "gpt-4o-mini", "messages": [["role": "user", "content": "hola"]],
            ]), context: context)
            #expect(chat.value?["content"] == "Hello from the fake.")
            #expect(recording.exchanges.count == 4)

            fake.script(.twilio, [.delayed(.seconds(3))])
            var short = context
            short.timeout = TimeSpan(milliseconds: 200)
            let slow = await TwilioSendTextStep().run(StepCall(arguments: ["to": "+5491155550000", "body": "x"]), context: short)
            #expect(slow.failure?.errorClass == .timeout)
        } catch {
            Issue.record(error)
        }
        try await client.shutdown()
        await fake.stop()
    }
}
