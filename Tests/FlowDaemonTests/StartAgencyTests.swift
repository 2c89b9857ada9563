import FlowEngine
import FlowRuntime
import Travel
import Foundation
import Testing

/// The agency an instance runs for: `flowctl start --agency`, else the input's `trip.agency_id`
/// (as `POST /events/{name}` does); an `--agency` that contradicts the input is a usage error.
@Suite("Agency of a started instance")
struct StartAgencyTests {
    typealias F = EventFixtures

    /// The shipped flight-notifications trigger (`agency: ${{ input.trip.agency_id }}`).
    static let trigger: EventTrigger? = DefinitionRegistry(path: EventFixtures.workflows).current("flight-notifications")
        .flatMap { EventDispatcher<InMemoryFlowStore>.trigger(of: $0.flow) }

    @Test("EventDispatcher.agency: explicit, else the trigger's trip.agency_id; a contradiction is an error", arguments: [
        (nil as String?, "acme" as String?, "acme" as String?, nil as String?),
        ("acme", "acme", "acme", nil),
        ("acme", nil, "acme", nil),
        (nil, nil, nil, nil),
        ("patagonia", "acme", nil, "agency 'patagonia' contradicts the input's trip.agency_id 'acme'"),
    ])
    func resolution(explicit: String?, stated: String?, expected: String?, error: String?) throws {
        var trip: [String: Value] = ["id": "T-1"]
        if let stated { trip["agency_id"] = .string(stated) }
        let input: Value = ["trip": .object(trip)]
        if let error {
            let thrown = #expect(throws: EventDispatcher<InMemoryFlowStore>.DispatchError.self) {
                _ = try EventDispatcher<InMemoryFlowStore>.agency(
                    explicit: explicit, trigger: Self.trigger, input: input, flow: "f")
            }
            #expect(thrown?.message.contains(error) == true, "\(String(describing: thrown))")
        } else {
            #expect(try EventDispatcher<InMemoryFlowStore>.agency(
                explicit: explicit, trigger: Self.trigger, input: input, flow: "f") == expected)
        }
    }

    @Test("POST /events without ?agency= takes the trip's agency")
    func dispatchTakesTripAgency() async throws {
        let store = try await DaemonFixtures.temporarySQLite()
        let dispatcher = DaemonFixtures.dispatcher(store, registry: DefinitionRegistry(path: F.workflows))
        let started = try await dispatcher.dispatch(
            event: "trip.created", payload: F.trip("T-AG-1"), agency: nil, at: DaemonFixtures.start)
        #expect(started.map(\.instance.agencyID) == ["acme", "acme"])
        await #expect(throws: EventDispatcher<SQLiteFlowStore>.DispatchError.self) {
            _ = try await dispatcher.dispatch(
                event: "trip.created", payload: F.trip("T-AG-2"), agency: "patagonia", at: DaemonFixtures.start)
        }
        try await store.close()
    }

    @Test("flowctl start takes the agency from trip.agency_id; a contradicting --agency exits 64", arguments: [
        ([String](), Int32(0), "acme" as String?, nil as String?),
        (["--agency", "acme"], 0, "acme", nil),
        (["--agency", "patagonia"], 64, nil, "agency 'patagonia' contradicts the input's trip.agency_id 'acme'"),
    ])
    func flowctlStart(extra: [String], status: Int32, stored: String?, message: String?) async throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("flow-start-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let input = (directory as NSString).appendingPathComponent("trip.json")
        try F.tripJSON("T-START-1").write(toFile: input, atomically: true, encoding: .utf8)
        let database = (directory as NSString).appendingPathComponent("flow.sqlite")
        let result = try await Self.flowctl([
            "start", "flight-notifications", "--input", input, "--workflows", F.workflows,
            "--database", "sqlite://" + database,
        ] + extra)
        #expect(result.status == status, "\(result.output)")
        if let message { #expect(result.output.contains(message), "\(result.output)") }
        guard FileManager.default.fileExists(atPath: database) else {
            #expect(stored == nil, "no database was written: \(result.output)")
            return
        }
        let agencies = try await StoreConfiguration.sqlite(.file(path: database)).withStore { store in
            try await store.flowStore.instances(matching: InstanceFilter(flow: "flight-notifications")).map(\.agencyID)
        }
        #expect(agencies == (stored.map { [$0] } ?? []))
    }

    /// Runs the built flowctl; its exit status and its stdout and stderr together.
    static func flowctl(_ arguments: [String]) async throws -> (status: Int32, output: String) {
        let path = try DaemonProcess.flowctlPath()
        return try await Blocking.run { try flowctlBlocking(path, arguments) }
    }

    private static func flowctlBlocking(_ path: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let child = Process()
        child.executableURL = URL(fileURLWithPath: path)
        child.arguments = arguments
        let pipe = Pipe()
        child.standardOutput = pipe
        child.standardError = pipe
        child.standardInput = FileHandle.nullDevice
        try child.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        child.waitUntilExit()
        return (child.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
