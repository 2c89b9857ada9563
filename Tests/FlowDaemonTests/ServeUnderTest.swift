import FakeProviders
import FlowEngine
import FlowRuntime
import Foundation
import Testing
import Travel

/// `flowctl serve` as a child process on a fresh SQLite file with the given workflows and the fake
/// providers at `fakeURL`, and an API key of agency `acme` (not admin), answering `/health` once made.
/// `close()` stops the daemon if it still runs and removes its files.
final class ServeUnderTest {
    typealias E2E = ServeEndToEndTests

    let daemonURL: String
    /// The acme key's token.
    let token: String
    let serve: Process
    /// The SQLite file the daemon runs on.
    let database: String
    private let directory: URL
    private let log: URL

    /// `workflows`: the text of each workflow file by its name; `shipped(_:)` reads one of the repository's.
    /// `environment`: more variables for the daemon (`FLOW_MAX_BODY_BYTES`, …), over the fakes' ones.
    init(
        fakeURL: String, configuration: FakeProviderServer.Configuration = FakeProviderServer.Configuration(),
        workflows files: [String: String], name: String, environment extra: [String: String] = [:]
    ) async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(UUID().uuidString)")
        let workflows = directory.appendingPathComponent("workflows")
        try FileManager.default.createDirectory(at: workflows, withIntermediateDirectories: true)
        for (file, text) in files {
            try text.write(to: workflows.appendingPathComponent(file), atomically: true, encoding: .utf8)
        }
        database = directory.appendingPathComponent("flow.sqlite").path
        let keyStore = try await SQLiteFlowStore.open(.file(path: database), adding: TravelSchema.schema)
        token = try await APIKeys.create(in: keyStore, name: "acme-ops", agency: "acme", admin: false,
                                         at: FakeProviderServer.wallClock()).token
        try await keyStore.close()

        let port = try LoopbackPort.free()
        daemonURL = "http://127.0.0.1:\(port)"
        log = directory.appendingPathComponent("serve.log")
        serve = try E2E.serveProcess(
            URL(fileURLWithPath: try DaemonProcess.flowctlPath()), port: port, workflows: workflows, database: database,
            environment: E2E.daemonEnvironment(configuration, fakeURL: fakeURL, daemonURL: daemonURL)
                .merging(extra) { $1 },
            log: log)
        try serve.run()
        let healthy = await E2E.answersHealth(daemonURL)
        let startLog = serveLog()
        if !healthy { close() }
        try #require(healthy, "serve did not answer /health:\n\(startLog)")
    }

    /// The text of the repository's `workflows/<file>`.
    static func shipped(_ file: String) throws -> String {
        try String(contentsOf: E2E.repository.appendingPathComponent("workflows/\(file)"), encoding: .utf8)
    }

    /// The daemon's log so far, for failure messages.
    func serveLog() -> String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

    func close() {
        if serve.isRunning { serve.terminate() }
        try? FileManager.default.removeItem(at: directory)
    }
}
