import FakeProviders
import FlowEngine
import FlowRuntime
import Foundation
import Steps
import Testing
import Travel

/// `flowctl serve --fixtures FILE` with no provider keys: the sandbox answers every provider from
/// the dry-run's fixtures, so the planning product runs end to end; without fixtures a sandboxed
/// OpenAI call fails permanently, naming the missing key.
@Suite("serve's sandbox fixtures", .serialized)
struct SandboxFixturesTests {
    typealias E = ServeEndToEndTests
    typealias P = PlanningAcrossDaemonsTests

    /// A `flowctl serve` over trip-planning with no credentials at all, started; its URL, key and log.
    struct Sandbox {
        var url: String
        var key: String
        var process: Process
        var log: URL
        var directory: URL
        var logText: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

        func stop() {
            if process.isRunning { process.terminate() }
            process.waitUntilExit()
            try? FileManager.default.removeItem(at: directory)
        }
    }

    static func sandbox(fixtures: String?) async throws -> Sandbox {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sandbox-\(UUID().uuidString)")
        let workflows = directory.appendingPathComponent("workflows")
        try FileManager.default.createDirectory(at: workflows, withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            at: E.repository.appendingPathComponent("workflows/trip-planning.yaml"),
            to: workflows.appendingPathComponent("trip-planning.yaml"))
        let database = directory.appendingPathComponent("flow.sqlite").path
        let keys = try await SQLiteFlowStore.open(.file(path: database), adding: TravelSchema.schema)
        let key = try await APIKeys.create(
            in: keys, name: "demo", agency: "acme", admin: false, at: InstanceWorker<SQLiteFlowStore>.wallClock())
        try await keys.close()
        let port = try LoopbackPort.free()
        let environment = ProcessInfo.processInfo.environment.filter { variable in
            !variable.key.hasPrefix("TWILIO_") && !variable.key.hasPrefix("FLOW_") && variable.key != "AEROAPI_KEY"
                && variable.key != "OPENAI_API_KEY"
        }
        let log = directory.appendingPathComponent("serve.log")
        let serve = try E.serveProcess(
            URL(fileURLWithPath: try DaemonProcess.flowctlPath()), port: port, workflows: workflows, database: database,
            environment: environment, log: log)
        if let fixtures { serve.arguments = (serve.arguments ?? []) + ["--fixtures", fixtures] }
        try serve.run()
        let sandbox = Sandbox(url: "http://127.0.0.1:\(port)", key: key.token, process: serve, log: log, directory: directory)
        let healthy = await E.answersHealth(sandbox.url)
        try #require(healthy, "serve did not answer /health:\n\(sandbox.logText)")
        return sandbox
    }

    /// The example's request without a trip or a WhatsApp number (nothing saved, nobody told).
    static func request() throws -> Value {
        guard case .object(var input) = try P.planningInput() else { return .null }
        input["trip_id"] = nil
        input["whatsapp"] = nil
        return .object(input)
    }

    @Test("with --fixtures and no keys, trip-planning runs from the request to its approved plan")
    func plansFromFixtures() async throws {
        let fixtures = E.repository.appendingPathComponent("examples/trip-planning/fixtures.yaml").path
        let sandbox = try await Self.sandbox(fixtures: fixtures)
        defer { sandbox.stop() }
        let health = try await P.send(.get, sandbox.url + "/health", token: sandbox.key)
        #expect(health.json["fixtures"]?.stringValue == fixtures && health.json["providers"]?["openai"] == "sandbox")
        #expect(sandbox.logText.contains("ANSWERED FROM THE FIXTURES IN \(fixtures)"))

        let started = try await P.send(
            .post, sandbox.url + "/instances", token: sandbox.key, body: ["flow": "trip-planning", "input": try Self.request()])
        try #require(started.status == 201, "\(started.json)\n\(sandbox.logText)")
        let id = try #require(started.json["id"]?.stringValue)
        // The fixtures' first brief lacks the departure city: the plan asks, and the answer is sent.
        let asks = await E.eventually(30) {
            let instance = try? await P.send(.get, sandbox.url + "/instances/\(id)", token: sandbox.key)
            return instance?.json["waiting_for"]?.arrayValue?.first?["event"] == "plan.answer"
        }
        try #require(asks, "the plan did not ask for the departure city\n\(sandbox.logText)")
        let answered = try await P.send(
            .post, sandbox.url + "/instances/\(id)/events/plan.answer?key=u-42/\(id)", token: sandbox.key,
            body: ["text": "From Buenos Aires"])
        #expect(answered.status == 202, "\(answered.json)")
        var approval: String?
        let waiting = await E.eventually(60) {
            let list = try? await P.send(.get, sandbox.url + "/approvals", token: sandbox.key)
            approval = list?.json["approvals"]?.arrayValue?.first { $0["instance_id"]?.stringValue == id }?["id"]?
                .stringValue
            return approval != nil
        }
        try #require(waiting, "no booking approval\n\(sandbox.logText)")
        let decided = try await P.send(
            .post, sandbox.url + "/approvals/\(approval ?? "")/decision", token: sandbox.key, body: ["decision": "approve"])
        #expect(decided.status == 200 && decided.json["kind"] == "booking", "\(decided.json)")
        let done = await E.eventually(60) {
            let instance = try? await P.send(.get, sandbox.url + "/instances/\(id)", token: sandbox.key)
            return instance?.json["status"] == "succeeded"
        }
        let instance = try await P.send(.get, sandbox.url + "/instances/\(id)", token: sandbox.key)
        #expect(done, "\(instance.json)\n\(sandbox.logText)")
    }

    @Test("without fixtures a sandboxed OpenAI call fails permanently, naming OPENAI_API_KEY")
    func missingKeyIsNamed() async throws {
        let sandbox = try await Self.sandbox(fixtures: nil)
        defer { sandbox.stop() }
        let started = try await P.send(
            .post, sandbox.url + "/instances", token: sandbox.key, body: ["flow": "trip-planning", "input": try Self.request()])
        let id = try #require(started.json["id"]?.stringValue, "\(started.json)")
        let ended = await E.eventually(30) {
            let instance = try? await P.send(.get, sandbox.url + "/instances/\(id)", token: sandbox.key)
            return instance?.json["status"] == "failed"
        }
        #expect(ended, "\(sandbox.logText)")
        let timeline = try await P.send(.get, sandbox.url + "/instances/\(id)/events?limit=1000", token: sandbox.key)
        let failure = timeline.json["events"]?.arrayValue?.first { $0["kind"] == "step_failed" }
        #expect(failure?.jsonText.contains("OPENAI_API_KEY") == true, "\(failure ?? .null)")
        #expect(failure?.jsonText.contains("permanent") == true, "\(failure ?? .null)")
    }
}
