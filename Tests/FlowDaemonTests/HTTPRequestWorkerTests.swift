import FakeProviders
import FlowEngine
import FlowRuntime
import Foundation
import Logging
import Steps
import Synchronization
import Testing
import Travel
import Hummingbird
import HummingbirdTesting

/// A flow calling the product's backend with `http.request`, run by the instance worker on SQLite.
@Suite("http.request in a durable run")
struct HTTPRequestWorkerTests {
    static let secret = "Bearer durable-s3cr3t-0042"

    static let flow = """
        flow: booking
        version: 1
        start: create
        input:
          id: { type: string, required: true }
          elsewhere: { type: string, required: true }
        states:
          create:
            step: http.request
            with:
              method: POST
              url: "http://fake.local/backend/bookings"
              body: { booking: "${{ input.id }}" }
              credential: backend
            idempotency_key: "create/${{ input.id }}"
            retry: { max_attempts: 3, on: [transient, timeout] }
            save: created
            catch: [ { errors: [permanent, not_found, invalid_response], next: failed } ]
            next: echo
          echo:
            step: http.request
            with:
              url: "http://fake.local/backend/echo-headers"
              credential: backend
            save: echoed
            catch: [ { errors: [transient, permanent, not_found, timeout, invalid_response], next: failed } ]
            next: outside
          outside:
            step: http.request
            with:
              url: "${{ input.elsewhere }}"
              credential: backend
            catch: [ { errors: [transient, permanent, not_found, timeout, invalid_response], next: done } ]
            next: done
          done:
            succeed: { output: { id: "${{ vars.created.body.id }}" } }
          failed:
            fail: { error: backend_failed }
        """

    @Test("the POST goes through the ledger with its key; a host outside the list fails permanent; the secret is stored nowhere and logged nowhere")
    func durableRun() async throws {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("flow-http-\(UUID().uuidString).sqlite").path
        let store = try await SQLiteFlowStore.open(.file(path: path), adding: TravelSchema.schema)
        let hosts = try HostAllowList(parsing: "fake.local")
        let directory = WorkflowDirectory.load(
            flows: [SourceFile(path: "booking.yaml", text: Self.flow)], agencies: [],
            catalogue: .standard.allowing(hosts: hosts))
        #expect(directory.diagnostics.isEmpty, "\(directory.diagnostics)")
        let registry = DefinitionRegistry(directory: directory)
        var configuration = FakeProviderServer.Configuration()
        configuration.backendCredential = ("Authorization", Self.secret)
        let fake = FakeProviderServer(configuration: configuration)
        var credentials = fake.credentials
        credentials.http = ["BACKEND": HTTPCredential(header: "Authorization", value: Secret(Self.secret))]
        var endpoints = ProviderEndpoints.local("http://fake.local")
        endpoints.httpAllowedHosts = hosts
        let log = LogCapture()
        let clock = TestClock(DaemonFixtures.start)
        let worker = InstanceWorker(
            store: store, registry: registry, steps: StepRegistry.providers(), transport: fake, credentials: credentials,
            endpoints: endpoints, configuration: .init(owner: "w1"), clock: { clock.now },
            logger: Logger(label: "test.worker") { _ in log })
        let created = try await InstanceStarter(store: store, registry: registry).start(
            flow: "booking", input: ["id": "b-1", "elsewhere": "https://api.elsewhere.example/steal"], agency: nil,
            idempotencyKey: "start-1", at: clock.now)
        guard case .created(let record) = created else { Issue.record("not created"); return }
        while try await worker.runOnce() > 0 {}

        let instance = try #require(try await store.instances(matching: InstanceFilter()).first)
        #expect(instance.status == .succeeded)
        let requests = fake.backendRequests
        #expect(requests.map(\.method) == ["POST", "GET"])
        #expect(requests.first?.header("Idempotency-Key")?.contains("create/b-1") == true)
        #expect(requests.last?.header("Idempotency-Key") == nil)
        #expect(requests.allSatisfy { $0.header("Authorization") == Self.secret })

        let history = try await store.history(instanceID: record.id, after: 0)
        let timeline = Value.array(history.map(\.timelineValue)).jsonText
        #expect(timeline.contains("http.host_not_allowed"))
        #expect(timeline.contains("api.elsewhere.example"))
        #expect(!timeline.contains("s3cr3t"))
        try await store.close()

        // Every byte SQLite stored (instances, timeline, effect ledger), and every worker log line.
        var stored = Data()
        for file in [path, path + "-wal"] { stored.append(FileManager.default.contents(atPath: file) ?? Data()) }
        #expect(stored.count > 0)
        #expect(stored.range(of: Data("s3cr3t".utf8)) == nil, "the credential is in the database")
        #expect(stored.range(of: Data("create/b-1".utf8)) != nil, "the effect ledger recorded the POST")
        #expect(stored.range(of: Data("<redacted>".utf8)) != nil, "the echoed header was kept, redacted")
        for line in log.lines { #expect(!line.contains("s3cr3t"), "leaked in: \(line)") }
        for file in [path, path + "-wal", path + "-shm"] { try? FileManager.default.removeItem(atPath: file) }
    }
}

/// The allow-list and credentials as `flowctl serve` reads them.
@Suite("http.request in the daemon's configuration")
struct HTTPRequestDaemonConfigurationTests {
    static let flow = """
        flow: charge
        version: 1
        start: charge
        states:
          charge:
            step: http.request
            with: { url: "https://payments.example.net/v1/charges", credential: backend }
            catch: [ { errors: [transient, permanent, not_found, timeout, invalid_response], next: done } ]
            next: done
          done:
            succeed: true
        """

    @Test("FLOW_HTTP_ALLOW_HOSTS and the file key http_allow_hosts; a bad entry names its source")
    func allowListSources() throws {
        let environment = try DaemonConfiguration.environment(["FLOW_HTTP_ALLOW_HOSTS": "api.example.com, localhost:8080"])
        #expect(environment.httpAllowHosts?.description == "api.example.com,localhost:8080")
        let file = try DaemonConfiguration.file(SourceFile(path: "flow.yaml", text: "http_allow_hosts: \"*.internal.example\"\n"))
        #expect(file.httpAllowHosts?.allows(host: "svc.internal.example", port: nil) == true)
        let resolved = DaemonConfiguration.resolve([DaemonConfiguration.Layer(), environment, file], terminal: false)
        #expect(resolved.httpAllowHosts == environment.httpAllowHosts)
        #expect(DaemonConfiguration.resolve([], terminal: false).httpAllowHosts == .none)
        #expect {
            try DaemonConfiguration.environment(["FLOW_HTTP_ALLOW_HOSTS": "api.example.com:0"])
        } throws: { error in
            "\(error)".hasPrefix("FLOW_HTTP_ALLOW_HOSTS: 'api.example.com:0'")
        }
    }

    static func workflows() throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("flow-http-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try flow.write(to: directory.appendingPathComponent("charge.yaml"), atomically: true, encoding: .utf8)
        return directory.path
    }

    @Test("serve refuses a flow whose literal host is outside the list (F120), starts when it is in; /health shows no secret")
    func serveChecksLiteralHosts() async throws {
        let workflows = try Self.workflows()
        let database = "sqlite://" + FileManager.default.temporaryDirectory
            .appendingPathComponent("flow-http-\(UUID().uuidString).sqlite").path
        let variables = ["FLOW_HTTP_CREDENTIAL_BACKEND": "Authorization: Bearer health-s3cr3t"]
        let environment = DaemonEnvironment(variables: variables, transport: FixtureTransport(queue: []))
        var configuration = DaemonFixtures.configuration(database: database, workflows: workflows)
        configuration.httpAllowHosts = try HostAllowList(parsing: "api.example.com")
        do {
            _ = try await buildApplication(configuration: configuration, product: TravelProduct(), environment: environment)
            Issue.record("the daemon started with a host outside its allow-list")
        } catch DaemonSetupError.invalidFlows(let directory) {
            #expect(directory.diagnostics.map(\.code) == [.hostNotAllowed])
        }
        configuration.httpAllowHosts = try HostAllowList(parsing: "payments.example.net")
        let app = try await buildApplication(configuration: configuration, product: TravelProduct(), environment: environment)
        try await app.test(.router) { client in
            try await client.execute(uri: "/health", method: .get) { response in
                #expect(response.status == .ok)
                #expect(!String(buffer: response.body).contains("s3cr3t"))
            }
        }
        try? FileManager.default.removeItem(atPath: workflows)
    }

    @Test("flowctl validate judges literal hosts only when given a list (--allow-hosts)")
    func validateCommand() async throws {
        let workflows = try Self.workflows()
        defer { try? FileManager.default.removeItem(atPath: workflows) }
        let plain = try await StartAgencyTests.flowctl(["validate", workflows])
        #expect(plain.status == 0, "\(plain.output)")
        let refused = try await StartAgencyTests.flowctl(["validate", workflows, "--allow-hosts", "api.example.com"])
        #expect(refused.status == 65)
        #expect(refused.output.contains("error[F120]: host 'payments.example.net' is not in the allow-list"), "\(refused.output)")
        let allowed = try await StartAgencyTests.flowctl(["validate", workflows, "--allow-hosts", "*.example.net"])
        #expect(allowed.status == 0, "\(allowed.output)")
    }

    @Test("serve --fixtures answers the http.request calls its http section matches and sends the others")
    func sandboxAnswersFromFixtures() async throws {
        let fixtures = try DryRunFixtures(parsing: SourceFile(path: "f.yaml", text: """
            http:
              - url: https://api.example.com/bookings/
                body: { id: from-fixture }
            """))
        let live = FixtureTransport(queue: [.success(HTTPResponseSpec(status: 200, text: #"{"id":"from-network"}"#))])
        let setup = ProviderSetup(
            credentials: ProviderCredentials(twilio: .authToken(accountSid: "AC" + String(repeating: "1", count: 32), token: "t"),
                                             aeroapiKey: Secret("a"), openaiKey: Secret("o")),
            endpoints: .production, live: live, fixtures: fixtures, now: DaemonFixtures.start)
        #expect(setup.sandboxed.isEmpty)
        let answered = try await setup.transport.send(
            HTTPRequestSpec(method: .get, url: "https://api.example.com/bookings/7?x=1"), timeout: nil)
        #expect(answered.bodyText == #"{"id":"from-fixture"}"#)
        let sent = try await setup.transport.send(
            HTTPRequestSpec(method: .get, url: "https://api.example.com/other"), timeout: nil)
        #expect(sent.bodyText == #"{"id":"from-network"}"#)
    }
}
