import FakeProviders
import FlowEngine
import Steps
import Testing

@Suite("Provider credentials")
struct CredentialsTests {
    static let account = "AC" + String(repeating: "1", count: 32)
    static let token = "secret-token-4d2f9a"
    static let keySecret = "secret-key-7c1e00"
    static let aero = "secret-aero-99aa"
    static let openai = "sk-secret-openai-5b5b"

    @Test("a complete environment gives every provider and no errors")
    func complete() {
        let (credentials, problems) = ProviderCredentials.fromEnvironment([
            "TWILIO_ACCOUNT_SID": Self.account, "TWILIO_AUTH_TOKEN": Self.token,
            "TWILIO_MESSAGING_SERVICE_SID": "MG" + String(repeating: "2", count: 32),
            "AEROAPI_KEY": Self.aero, "OPENAI_API_KEY": Self.openai,
        ])
        #expect(problems.isEmpty)
        #expect(credentials.twilio?.username == Self.account)
        #expect(credentials.aeroapiKey?.exposed == Self.aero)
    }

    @Test("an API key pair authenticates, keeping the account in the path")
    func apiKey() {
        let (credentials, problems) = ProviderCredentials.fromEnvironment([
            "TWILIO_ACCOUNT_SID": Self.account, "TWILIO_API_KEY_SID": "SK" + String(repeating: "3", count: 32),
            "TWILIO_API_KEY_SECRET": Self.keySecret, "TWILIO_AUTH_TOKEN": Self.token,
            "TWILIO_MESSAGING_SERVICE_SID": "MG" + String(repeating: "2", count: 32), "AEROAPI_KEY": "k", "OPENAI_API_KEY": "k",
        ])
        #expect(problems.isEmpty)
        #expect(credentials.twilio?.username.hasPrefix("SK") == true)
        #expect(credentials.twilio?.accountSid == Self.account)
        #expect(credentials.twilio?.authToken?.exposed == Self.token)
    }

    @Test("problems name the variable, never the value", arguments: [
        (["TWILIO_ACCOUNT_SID": "AC123"], "TWILIO_ACCOUNT_SID"),
        (["TWILIO_ACCOUNT_SID": account], "TWILIO_AUTH_TOKEN"),
        (["TWILIO_ACCOUNT_SID": account, "TWILIO_API_KEY_SECRET": keySecret], "TWILIO_API_KEY_SID"),
        ([:], "AEROAPI_KEY"),
        ([:], "OPENAI_API_KEY"),
    ] as [([String: String], String)])
    func problems(_ env: [String: String], _ variable: String) {
        let (_, problems) = ProviderCredentials.fromEnvironment(env)
        #expect(problems.contains { $0.variable == variable && $0.severity == .error })
        for problem in problems { #expect(!problem.description.contains(Self.keySecret)) }
    }

    @Test("no secret appears in descriptions, failures or log lines")
    func redaction() async throws {
        let (credentials, _) = ProviderCredentials.fromEnvironment([
            "TWILIO_ACCOUNT_SID": Self.account, "TWILIO_AUTH_TOKEN": Self.token, "AEROAPI_KEY": Self.aero,
            "OPENAI_API_KEY": Self.openai,
        ])
        let secrets = [Self.token, Self.aero, Self.openai]
        var texts = [credentials.description, credentials.debugDescription, "\(credentials)", String(reflecting: credentials)]

        // Every provider refuses these credentials: collect every failure message and log line.
        let fake = FakeProviderServer()
        let logs = LogCapture()
        var context = TestSupport.context(fake, logs: logs)
        context.credentials = credentials
        context.credentials.twilio?.accountSid = fake.configuration.twilioAccountSid
        let outcomes = [
            await TwilioSendTextStep().run(StepCall(arguments: ["to": "+5491155550000", "body": "x", "from": "+14155238886"]), context: context),
            await AeroAPIFlightStep().run(StepCall(arguments: [
                "ident": "AR1302", "origin": "EZE", "scheduled_departure": .instant(TestSupport.now),
            ]), context: context),
            await OpenAIChatStep().run(StepCall(arguments: ["model": "m", "messages": [["role": "user", "content": "hi"]]]), context: context),
        ]
        for outcome in outcomes {
            let failure = try #require(outcome.failure)
            #expect(failure.errorClass == .permanent)
            texts += [failure.description, failure.message, "\(failure)"]
        }
        // Transport errors carry the host, not the URL's credentials or query.
        let unreachable = AsyncHTTPClientTransport(defaultTimeout: .seconds(2))
        do {
            _ = try await unreachable.send(HTTPRequestSpec(
                method: .get, url: "http://user:\(Self.token)@127.0.0.1:9/x?key=\(Self.aero)"), timeout: .seconds(2))
        } catch {
            texts.append(error.description)
        }
        texts += logs.lines
        #expect(!logs.lines.isEmpty)
        for text in texts {
            for secret in secrets { #expect(!text.contains(secret), "leaked in: \(text)") }
        }
    }
}
