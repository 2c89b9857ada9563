import FakeProviders
import FlowEngine
import FlowRuntime
import Travel
import Hummingbird
import HummingbirdTesting
import Steps
import Testing

/// Agencies with their own Twilio account: configuration, sending through the account, and
/// webhooks verified with the token of the request's `AccountSid`.
@Suite("Per-agency Twilio accounts")
struct AgencyAccountTests {
    static let acmeSid = "AC" + String(repeating: "d", count: 32)
    static let acmeToken = "acme-token-\(Int.random(in: 0..<1_000_000))"
    static let acmeService = "MG" + String(repeating: "e", count: 32)
    static let start = Instant(iso8601: "2026-07-08T10:00:00Z")!

    static let flow = """
        flow: greet
        version: 1
        input:
          phone: { type: string, required: true }
        start: send
        states:
          send:
            step: twilio.send_text
            with: { to: "${{ input.phone }}", body: "Hola" }
            idempotency_key: "greet/${{ input.phone }}"
            propagates: [transient, permanent, timeout]
            next: done
          done:
            succeed: true
        """

    static func fake() -> FakeProviderServer {
        var configuration = FakeProviderServer.Configuration()
        configuration.twilioOtherAccounts = [FakeTwilioAccount(accountSid: acmeSid, authToken: acmeToken)]
        return FakeProviderServer(configuration: configuration)
    }

    static var environment: [String: String] {
        ["TWILIO_ACME_TRAVEL_ACCOUNT_SID": acmeSid, "TWILIO_ACME_TRAVEL_AUTH_TOKEN": acmeToken,
         "TWILIO_ACME_TRAVEL_MESSAGING_SERVICE_SID": acmeService, "TWILIO_ACCOUNT_SID": "AC" + String(repeating: "a", count: 32),
         "TWILIO_AUTH_TOKEN": "fake-twilio-token", "TWILIO_API_KEY_SID": "", "PATH": "/usr/bin"]
    }

    @Test("TWILIO_<AGENCY>_… variables declare an agency's account, keyed by the normalised agency id")
    func environmentAccounts() throws {
        let (accounts, warnings) = try TwilioAgencyAccounts.load(Self.environment)
        #expect(warnings.isEmpty)
        #expect(TwilioAgencyAccounts.key(agency: "acme-travel") == "ACME_TRAVEL")
        let acme = try #require(accounts.account(forAgency: "acme-travel"))
        #expect(acme == .authToken(accountSid: Self.acmeSid, token: Self.acmeToken, messagingServiceSid: Self.acmeService))
        #expect(accounts.account(forAgency: "globex") == nil)
        #expect(accounts.account(forAgency: nil) == nil)
        #expect(accounts.authTokensByAccountSid == [Self.acmeSid: Secret(Self.acmeToken)])
        // The default variables are not mistaken for an agency's.
        #expect(accounts.byKey.keys.sorted() == ["ACME_TRAVEL"])
        let credentials = ProviderCredentials(twilio: .authToken(accountSid: "AC" + String(repeating: "a", count: 32),
                                                                 token: "t"), agencyTwilio: accounts)
        #expect(credentials.forAgency("acme-travel").twilio?.accountSid == Self.acmeSid)
        #expect(credentials.forAgency("globex").twilio?.accountSid == "AC" + String(repeating: "a", count: 32))
        #expect(!"\(credentials)".contains(Self.acmeToken))
    }

    @Test("a start-up error names the variable, never a value", arguments: [
        (["TWILIO_ACME_ACCOUNT_SID": "AC" + String(repeating: "d", count: 32)], "TWILIO_ACME_AUTH_TOKEN"),
        (["TWILIO_ACME_AUTH_TOKEN": "secret-token-value"], "TWILIO_ACME_ACCOUNT_SID"),
        (["TWILIO_ACME_ACCOUNT_SID": "ACnot-a-sid", "TWILIO_ACME_AUTH_TOKEN": "secret-token-value"], "TWILIO_ACME_ACCOUNT_SID"),
        (["TWILIO_ACME_ACCOUNT_SID": "AC" + String(repeating: "d", count: 32), "TWILIO_ACME_API_KEY_SECRET": "secret-key"],
         "TWILIO_ACME_API_KEY_SID"),
    ])
    func startUpErrors(_ environment: [String: String], variable: String) throws {
        let error = try #require(throws: TwilioAgencyAccountsError.self) { try TwilioAgencyAccounts.load(environment) }
        #expect(error.problems.contains { $0.variable == variable && $0.severity == .error }, "\(error)")
        let text = "\(error)"
        #expect(text.contains(variable))
        #expect(text.hasPrefix(TwilioAgencyAccountsError.code))
        for value in environment.values { #expect(!text.contains(value), "\(text) leaks a value") }
    }

    @Test("an instance of an agency with its own account sends through it; another agency uses the default")
    func sendsThroughAgencyAccount() async throws {
        let fake = Self.fake()
        let (accounts, _) = try TwilioAgencyAccounts.load(Self.environment)
        var credentials = fake.credentials
        credentials.agencyTwilio = accounts
        let directory = WorkflowDirectory.load(
            flows: [SourceFile(path: "greet.yaml", text: Self.flow)],
            agencies: [SourceFile(path: "agencies/acme-travel.yaml", text: "agency: acme-travel\nname: ACME\n"),
                       SourceFile(path: "agencies/globex.yaml", text: "agency: globex\nname: Globex\n")],
            catalogue: .standard)
        #expect(!directory.diagnostics.hasErrors, "\(directory.diagnostics)")
        let registry = DefinitionRegistry(directory: directory)
        let store = InMemoryFlowStore()
        let starter = InstanceStarter(store: store, registry: registry)
        _ = try await starter.start(flow: "greet", input: ["phone": "+5491155550001"], agency: "acme-travel",
                                    idempotencyKey: "a", at: Self.start)
        _ = try await starter.start(flow: "greet", input: ["phone": "+5491155550002"], agency: "globex",
                                    idempotencyKey: "b", at: Self.start)
        let worker = InstanceWorker(
            store: store, registry: registry, steps: .providers(), transport: fake, credentials: credentials,
            endpoints: .local("http://fake.local"), configuration: .init(owner: "w"), clock: { Self.start })
        #expect(try await worker.runOnce() == 2)
        let messages = fake.acceptedMessages
        #expect(messages.count == 2)
        let acme = try #require(messages.first { $0.to == "whatsapp:+5491155550001" })
        #expect(acme.accountSid == Self.acmeSid)
        #expect(acme.authUsername == Self.acmeSid)
        #expect(acme.messagingServiceSid == Self.acmeService)
        let globex = try #require(messages.first { $0.to == "whatsapp:+5491155550002" })
        #expect(globex.accountSid == fake.configuration.twilioAccountSid)
        #expect(globex.authUsername == fake.configuration.twilioAccountSid)
        #expect(globex.messagingServiceSid == fake.credentials.twilio?.messagingServiceSid)
        #expect(try await store.instances(matching: InstanceFilter()).allSatisfy { $0.status == .succeeded })
    }

    @Test("webhooks are verified with the token of the request's AccountSid")
    func webhooksPerAccount() async throws {
        let fake = Self.fake()
        let context = TestSupport.context(fake)
        let (accounts, _) = try TwilioAgencyAccounts.load(Self.environment)
        let acmeContext = StepContext(
            transport: fake, now: Self.start, credentials: fake.credentials.forAgency(nil).withTwilio(
                accounts.account(forAgency: "acme-travel")!), endpoints: .local("http://fake.local"))
        let call = StepCall(arguments: ["to": "+5491155550001", "body": "Hola"])
        let acmeSid = try #require(await TwilioSendTextStep().run(call, context: acmeContext).value?["sid"]?.stringValue)
        let defaultSid = try #require(await TwilioSendTextStep().run(call, context: context).value?["sid"]?.stringValue)

        let publicURL = "https://flow.example.com"
        let url = publicURL + TwilioWebhookPaths.status
        let configuration = try TwilioWebhookConfiguration.resolve(
            twilio: fake.credentials.twilio, publicBaseURL: publicURL, agencyAccounts: accounts).get()
        let sink = RecordingSink()
        let router = Router()
        TwilioWebhookRoutes.add(to: router, sink: sink, configuration: configuration)
        try await Application(router: router).test(.router) { client in
            let path = TwilioWebhookPaths.status
            // Signed by the fake with the agency account's token (its AccountSid is the agency's).
            let acme = fake.signedStatusCallback(sid: acmeSid, status: "delivered", url: url)
            #expect(acme.parameters.contains { $0.0 == "AccountSid" && $0.1 == Self.acmeSid })
            let answer1 = try await TwilioWebhookTests.post(client, path, acme.parameters, signature: acme.signature).0
            #expect(answer1 == .ok)
            let main = fake.signedStatusCallback(sid: defaultSid, status: "read", url: url)
            let answer2 = try await TwilioWebhookTests.post(client, path, main.parameters, signature: main.signature).0
            #expect(answer2 == .ok)
            // The agency's request signed with the default account's token: refused.
            let wrong = TwilioSignature.compute(url: url, parameters: acme.parameters, authToken: "fake-twilio-token")
            let answer3 = try await TwilioWebhookTests.post(client, path, acme.parameters, signature: wrong).0
            #expect(answer3 == .forbidden)
            // The default account's request signed with the agency's token: refused.
            let swapped = TwilioSignature.compute(url: url, parameters: main.parameters, authToken: Self.acmeToken)
            let answer4 = try await TwilioWebhookTests.post(client, path, main.parameters, signature: swapped).0
            #expect(answer4 == .forbidden)
            // An account this daemon does not know: refused, whatever the signature.
            var stranger = acme.parameters.filter { $0.0 != "AccountSid" }
            stranger.append(("AccountSid", "AC" + String(repeating: "f", count: 32)))
            let strangerSignature = TwilioSignature.compute(url: url, parameters: stranger, authToken: "fake-twilio-token")
            let answer5 = try await TwilioWebhookTests.post(client, path, stranger, signature: strangerSignature).0
            #expect(answer5 == .forbidden)
            let answer6 = try await TwilioWebhookTests.post(client, path, acme.parameters, signature: nil).0
            #expect(answer6 == .forbidden)
        }
        #expect(sink.statuses.withLock { $0.map(\.messageSid) } == [acmeSid, defaultSid])
        #expect(sink.statuses.withLock { $0.map(\.accountSid) } == [Self.acmeSid, fake.configuration.twilioAccountSid])
    }
}
