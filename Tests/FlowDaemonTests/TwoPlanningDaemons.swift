import FakeProviders
import FlowEngine
import FlowRuntime
import Foundation
import PostgresNIO
import Testing
import Travel

/// Two `flowctl serve` processes on one fresh PostgreSQL database, over a workflow directory with
/// the shipped `trip-planning` (and `extraFlows`), the fakes answering OpenAI with the example's
/// planner answers, and an agency key of `acme` stored before either starts.
struct TwoPlanningDaemons {
    let fake: FakeProviderServer
    let daemons: [DaemonProcess]
    let directory: URL
    let key: String

    var a: String { "http://127.0.0.1:\(daemons[0].port)" }
    var b: String { "http://127.0.0.1:\(daemons[1].port)" }

    /// Both daemons' last log lines, for failure messages.
    func logs() -> String { daemons.map { $0.logTail(60) }.joined(separator: "\n") }

    static func start(keyName: String, extraFlows: [String: String] = [:]) async throws -> TwoPlanningDaemons {
        let database = try await TestPostgres.freshDatabase()
        let fake = FakeProviderServer()
        let fakeURL = try await fake.start()
        fake.script(.openai, try PlanningAcrossDaemonsTests.plannerAnswers().map { .openAIContent($0) })
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("planning-2d-\(UUID().uuidString)")
        let workflows = directory.appendingPathComponent("workflows")
        try FileManager.default.createDirectory(at: workflows, withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            at: ServeEndToEndTests.repository.appendingPathComponent("workflows/trip-planning.yaml"),
            to: workflows.appendingPathComponent("trip-planning.yaml"))
        for (name, text) in extraFlows {
            try text.write(to: workflows.appendingPathComponent("\(name).yaml"), atomically: true, encoding: .utf8)
        }
        // The schema and the key, before either daemon starts (as `flowctl keys create` does).
        guard case .postgres(let settings) = try StoreConfiguration.from(url: database) else {
            throw StoreError(.unavailable, "not a postgres:// URL")
        }
        var client = settings.clientConfiguration(maximumConnections: 2)
        client.tls = .disable
        let key = try await PostgresFlowStore.withStore(
            client, adding: TravelSchema.schema, connectionTimeout: TestPostgres.connectionWait
        ) { store in
            try await APIKeys.create(
                in: store, name: keyName, agency: "acme", admin: false, at: InstanceWorker<PostgresFlowStore>.wallClock())
        }
        let daemons = try ["a", "b"].map {
            try DaemonProcess(
                name: $0, database: database, workflows: workflows.path, fakeBaseURL: fakeURL,
                fakeConfiguration: fake.configuration, lease: "30s", logDirectory: directory.path)
        }
        for daemon in daemons { try await daemon.start() }
        return TwoPlanningDaemons(fake: fake, daemons: daemons, directory: directory, key: key.token)
    }

    func stop() async {
        for daemon in daemons { await daemon.stop() }
        await fake.stop()
        try? FileManager.default.removeItem(at: directory)
    }
}
