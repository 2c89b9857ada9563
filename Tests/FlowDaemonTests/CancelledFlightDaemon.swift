import FakeProviders
import FlowEngine
import Foundation
import Steps
import Testing

/// A real `flowctl serve` on SQLite, with `flight-notifications` only, pointed at a provider fake
/// whose AR1302 (EZE → MIA, 40 minutes from now) is cancelled, and one trip started with
/// `flowctl start`: the confirmation, one lookup, the cancellation, and the instance succeeds.
/// Shared by the end-to-end and the early-callback tests; the caller terminates `serve`.
struct CancelledFlightDaemon {
    typealias E2E = ServeEndToEndTests

    let directory: URL
    let database: String
    let daemonURL: String
    let serve: Process
    let log: URL

    /// Sets the fake's flight, starts `serve` on a free port, waits for `/health` and starts trip `tripID`.
    init(fake: FakeProviderServer, fakeURL: String, configuration: FakeProviderServer.Configuration, tripID: String)
        async throws
    {
        let flowctl = URL(fileURLWithPath: try DaemonProcess.flowctlPath())
        let now = FakeProviderServer.wallClock()
        let departure = Instant(epochMilliseconds: (now.epochMilliseconds / 60_000 + 40) * 60_000)
        var flight = FakeFlight(
            ident: "AR1302", faFlightID: "ARG1302-\(tripID)",
            origin: (iata: "EZE", icao: "SAEZ", zone: "America/Argentina/Buenos_Aires"),
            destination: (iata: "MIA", icao: "KMIA", zone: "America/New_York"), scheduledOut: departure,
            blockTime: .hours(9))
        flight.status = "Cancelled"
        flight.cancelled = true
        fake.setFlights([flight.value], for: "AR1302")

        directory = FileManager.default.temporaryDirectory.appendingPathComponent("serve-\(tripID)-\(UUID().uuidString)")
        let workflows = directory.appendingPathComponent("workflows")
        try FileManager.default.createDirectory(at: workflows, withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            at: E2E.repository.appendingPathComponent("workflows/flight-notifications.yaml"),
            to: workflows.appendingPathComponent("flight-notifications.yaml"))
        // A trip 40 minutes ahead is a late booking: its reminder would go out at once or not at all
        // depending on the hour at EZE when the test runs. Reminders off keeps the run the same at any hour.
        let agencies = workflows.appendingPathComponent("agencies")
        try FileManager.default.createDirectory(at: agencies, withIntermediateDirectories: true)
        try "agency: acme\nflows:\n  flight-notifications:\n    settings:\n      reminder_enabled: false\n"
            .write(to: agencies.appendingPathComponent("acme.yaml"), atomically: true, encoding: .utf8)
        database = directory.appendingPathComponent("flow.sqlite").path
        let input = directory.appendingPathComponent("trip.json")
        let trip: Value = ["trip": [
            "id": .string(tripID), "agency_id": "acme", "client_name": "Ana", "whatsapp": "+5491155550000",
            "flight_number": "AR1302", "origin": "EZE", "destination": "MIA", "departure": .string(departure.description),
        ]]
        try trip.jsonText.write(to: input, atomically: true, encoding: .utf8)

        let port = try LoopbackPort.free()
        daemonURL = "http://127.0.0.1:\(port)"
        let environment = E2E.daemonEnvironment(configuration, fakeURL: fakeURL, daemonURL: daemonURL)
        log = directory.appendingPathComponent("serve.log")
        serve = try E2E.serveProcess(
            flowctl, port: port, workflows: workflows, database: database, environment: environment, log: log)
        do {
            try serve.run()
            let daemonURL = daemonURL
            let healthy = await E2E.answersHealth(daemonURL)
            try #require(healthy, "serve did not answer /health:\n\(serveLog())")
            let (startStatus, startOutput) = try await E2E.run(
                flowctl, ["start", "flight-notifications", "--input", input.path, "--key", tripID,
                          "--database", "sqlite://" + database, "--workflows", workflows.path], environment: environment)
            try #require(startStatus == 0, "flowctl start failed: \(startOutput)")
        } catch {
            cleanUp()
            throw error
        }
    }

    /// What `serve` has logged so far.
    func serveLog() -> String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

    /// Stops `serve` if it still runs and removes the directory.
    func cleanUp() {
        if serve.isRunning { serve.terminate() }
        try? FileManager.default.removeItem(at: directory)
    }
}
