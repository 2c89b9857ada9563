import FakeProviders
import FlowEngine
@testable import FlowRuntime
@testable import Travel
import Foundation
import PostgresNIO
import Steps
import Testing

/// Shared set-up of the durability tests: a temporary workflow directory with the `relay` flow
/// (K Twilio sends per instance, one-second waits between), the fake providers over real HTTP,
/// instances created straight in the store, daemons as child processes, and the checks —
/// every instance succeeded, every (instance, step) message reached the fake exactly once.
final class DurabilityHarness: Sendable {
    /// Counts, overridable from the environment so CI or a developer can run bigger soaks.
    struct Scale: Sendable {
        var instances: Int
        var sends: Int
        var kills: Int

        static func fromEnvironment(instances: Int, sends: Int = 3, kills: Int = 5) -> Scale {
            let env = ProcessInfo.processInfo.environment
            return Scale(
                instances: env["FLOW_DURABILITY_INSTANCES"].flatMap(Int.init) ?? instances,
                sends: env["FLOW_DURABILITY_SENDS"].flatMap(Int.init) ?? sends,
                kills: env["FLOW_DURABILITY_KILLS"].flatMap(Int.init) ?? kills)
        }
    }

    static let flowName = "relay"
    /// Short, so a killed daemon's instances are reclaimed quickly by the next one.
    static let lease = "3s"

    let scale: Scale
    let directory: String
    let workflows: String
    let fake: FakeProviderServer
    let fakeBaseURL: String
    let database: String

    private init(scale: Scale, directory: String, fake: FakeProviderServer, fakeBaseURL: String, database: String) {
        self.scale = scale
        self.directory = directory
        self.workflows = (directory as NSString).appendingPathComponent("workflows")
        self.fake = fake
        self.fakeBaseURL = fakeBaseURL
        self.database = database
    }

    /// Writes the flow, starts the fake; `database` is a URL or, when nil, a SQLite file in the directory.
    static func make(scale: Scale, database: String? = nil) async throws -> DurabilityHarness {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("flow-durability-\(UUID().uuidString.prefix(8))").path
        let workflows = (directory as NSString).appendingPathComponent("workflows")
        try FileManager.default.createDirectory(atPath: workflows, withIntermediateDirectories: true)
        try relayFlow(sends: scale.sends).write(
            toFile: (workflows as NSString).appendingPathComponent("relay.yaml"), atomically: true, encoding: .utf8)
        let fake = FakeProviderServer()
        let base = try await fake.start()
        let url = database ?? "sqlite://" + (directory as NSString).appendingPathComponent("flow.sqlite")
        return DurabilityHarness(scale: scale, directory: directory, fake: fake, fakeBaseURL: base, database: url)
    }

    /// `sends` Twilio texts, each body naming the instance and the step (what the checks count).
    static func relayFlow(sends: Int) -> String {
        var states = ""
        for k in 1...sends {
            let next = k == sends ? "done" : "pause_\(k)"
            states += """
                  send_\(k):
                    step: twilio.send_text
                    with: { to: "${{ input.phone }}", body: "relay ${{ input.tag }} step \(k)" }
                    idempotency_key: "relay/\(k)"
                    retry: { max_attempts: 8, initial: 1s, factor: 2, max_delay: 4s, on: [transient, timeout] }
                    catch: [ { errors: [permanent], next: broken } ]
                    next: \(next)

                """
            if k < sends {
                states += """
                      pause_\(k):
                        wait: { for: 1s }
                        next: send_\(k + 1)

                    """
            }
        }
        return """
            flow: relay
            version: 1
            input:
              tag: { type: string, required: true }
              phone: { type: string, required: true }
            start: send_1
            states:
            \(states)  done:
                succeed: true
              broken:
                fail: { error: send_failed, message: "a send failed for good" }

            """
    }

    /// The instance id and the phone number of instance `n`.
    static func instanceID(_ n: Int) -> String { "relay-\(String(format: "%05d", n))" }
    static func phone(_ n: Int) -> String { "+1555" + String(format: "%07d", n) }

    func registry() throws -> DefinitionRegistry {
        let registry = DefinitionRegistry(path: workflows)
        if registry.directory.diagnostics.hasErrors {
            throw DaemonProcess.LaunchError(description: "relay flow is invalid: \(registry.directory.diagnostics)")
        }
        return registry
    }

    /// Opens the harness database (migrated) for the duration of `body`.
    func withStore<Result: Sendable>(_ body: @Sendable (any FlowStore) async throws -> Result) async throws -> Result {
        try await StoreConfiguration.from(url: database).withStore(adding: TravelSchema.schema) { try await body($0.flowStore) }
    }

    /// Creates the instances straight in the store, as `flowctl start` would.
    func createInstances() async throws {
        let registry = try registry()
        let count = scale.instances
        try await withStore { store in try await Self.create(count, in: store, registry: registry) }
    }

    private static func create<Store: FlowStore>(_ count: Int, in store: Store, registry: DefinitionRegistry) async throws {
        let starter = InstanceStarter(store: store, registry: registry)
        let now = StoreCoding.wallClock()
        for n in 0..<count {
            let id = instanceID(n)
            _ = try await starter.start(
                flow: flowName, input: ["tag": .string(id), "phone": .string(phone(n))], agency: nil,
                idempotencyKey: id, instanceID: id, at: now)
        }
    }

    /// The daemons' processes on this harness's database and fake.
    func daemon(_ name: String) throws -> DaemonProcess {
        try DaemonProcess(
            name: name, database: database, workflows: workflows, fakeBaseURL: fakeBaseURL,
            fakeConfiguration: fake.configuration, lease: Self.lease, logDirectory: directory)
    }

    /// Instances by status.
    func statusCounts() async throws -> [InstanceStatus: Int] {
        let limit = scale.instances + 10
        return try await withStore { store in
            var counts: [InstanceStatus: Int] = [:]
            for status in [InstanceStatus.running, .waiting, .succeeded, .failed, .cancelled] {
                counts[status] = try await store.instances(
                    matching: InstanceFilter(flow: Self.flowName, status: status, limit: limit)).count
            }
            return counts
        }
    }

    /// Polls until every instance has finished or `timeout` passes; the final counts.
    func waitUntilFinished(timeout: Duration) async throws -> [InstanceStatus: Int] {
        let deadline = ContinuousClock.now + timeout
        while true {
            let counts = try await statusCounts()
            let finished = (counts[.succeeded] ?? 0) + (counts[.failed] ?? 0) + (counts[.cancelled] ?? 0)
            if finished >= scale.instances || ContinuousClock.now >= deadline { return counts }
            try await Task.sleep(for: .milliseconds(500))
        }
    }

    /// Every expected body is counted once; the duplicated and the missing ones.
    func deliveryReport() -> (duplicated: [String: Int], missing: [String], total: Int) {
        var counts: [String: Int] = [:]
        for message in fake.acceptedMessages { counts[message.body ?? "", default: 0] += 1 }
        var missing: [String] = []
        for n in 0..<scale.instances {
            for k in 1...scale.sends {
                let body = "relay \(Self.instanceID(n)) step \(k)"
                if counts[body] == nil { missing.append(body) }
            }
        }
        return (counts.filter { $0.value > 1 }, missing, fake.acceptedCount)
    }

    /// How the in-doubt effects were resolved, from the instances' timelines (`effect_in_doubt` entries).
    func inDoubtResolutions() async throws -> [String: Int] {
        let count = scale.instances
        return try await withStore { store in
            var resolutions: [String: Int] = [:]
            for n in 0..<count {
                for entry in try await store.history(instanceID: Self.instanceID(n), after: 0)
                where entry.kind == .effectInDoubt {
                    resolutions[entry.details["resolution"]?.stringValue ?? "?", default: 0] += 1
                }
            }
            return resolutions
        }
    }

    /// The checks every durability test ends with: all succeeded, each message exactly once.
    func expectAllSucceededExactlyOnce(_ counts: [InstanceStatus: Int], daemons: [DaemonProcess]) {
        let logs = daemons.map { $0.logTail() }.joined(separator: "\n")
        #expect(counts[.succeeded] == scale.instances, "statuses: \(counts)\n\(logs)")
        let report = deliveryReport()
        #expect(report.duplicated.isEmpty, "sent more than once: \(report.duplicated.sorted { $0.key < $1.key })\n\(logs)")
        #expect(report.missing.isEmpty, "never sent (\(report.missing.count)): \(report.missing.prefix(10))\n\(logs)")
        #expect(report.total == scale.instances * scale.sends, "accepted \(report.total) creates")
    }

    func cleanUp() async {
        await fake.stop()
        try? FileManager.default.removeItem(atPath: directory)
    }
}

/// The throwaway PostgreSQL cluster of `scripts/test.sh`.
enum TestPostgres {
    /// How long the tests' own stores wait for a connection: a run starts every test at once on
    /// two cores, and the wait is not what they test (see `StoreConformanceTests.connectionWait`).
    static let connectionWait: Duration = .seconds(60)

    /// A client configuration for the test cluster with at most `maximumConnections`, without TLS;
    /// nil (and a "skipped" line) when `FLOW_TEST_POSTGRES_URL` is not set.
    static func clientConfiguration(maximumConnections: Int) throws -> PostgresClient.Configuration? {
        guard let url, case .postgres(let settings) = try StoreConfiguration.from(url: url) else {
            print("skipped: FLOW_TEST_POSTGRES_URL is not set (scripts/test.sh sets it)")
            return nil
        }
        var configuration = settings.clientConfiguration(maximumConnections: maximumConnections)
        configuration.tls = .disable
        return configuration
    }

    static let url = ProcessInfo.processInfo.environment["FLOW_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }

    /// A new, empty database on the test cluster (the daemons need their own: one URL, no schema).
    static func freshDatabase() async throws -> String {
        guard let url, case .postgres(let settings) = try StoreConfiguration.from(url: url) else {
            throw StoreError(.unavailable, "FLOW_TEST_POSTGRES_URL is not a postgres:// URL")
        }
        let name = "flow_durable_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(12)
        var admin = settings.clientConfiguration(maximumConnections: 1)
        admin.tls = .disable
        try await PostgresFlowStore.withStore(admin, migrate: false, connectionTimeout: connectionWait) { store in
            _ = try await store.rows(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"))
        }
        guard var components = URLComponents(string: url) else {
            throw StoreError(.unavailable, "FLOW_TEST_POSTGRES_URL is not a URL")
        }
        components.path = "/" + name
        return components.string ?? url
    }
}
