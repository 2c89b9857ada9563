import FakeProviders
import FlowEngine
import Foundation
import Steps
import Testing

/// A Twilio status callback that reaches the daemon before the send step has recorded the
/// message SID is kept, not dropped: the fake posts each message's signed `queued` → `sent` →
/// `delivered` callbacks to the real `flowctl serve` webhook and waits for their answers *before*
/// it answers the create call, so the daemon can only know the SID afterwards. The log rows
/// still end `delivered`, and nothing stays pending.
@Suite("status callbacks before the send's record", .serialized)
struct EarlyStatusCallbackTests {
    typealias E2E = ServeEndToEndTests

    @Test("callbacks posted before the create answer land on the log rows once the SIDs are recorded")
    func callbacksBeforeTheCreateAnswer() async throws {
        let flowctl = URL(fileURLWithPath: try DaemonProcess.flowctlPath())
        var configuration = FakeProviderServer.Configuration()
        configuration.sendsStatusCallbacks = true
        configuration.statusCallbackDelay = TimeSpan(milliseconds: 20)
        let fake = FakeProviderServer(configuration: configuration)
        fake.scriptCallbacksBeforeAnswer(2)
        let fakeURL = try await fake.start()
        defer { Task { await fake.stop() } }

        let now = FakeProviderServer.wallClock()
        let departure = Instant(epochMilliseconds: (now.epochMilliseconds / 60_000 + 40) * 60_000)
        var flight = FakeFlight(
            ident: "AR1302", faFlightID: "ARG1302-early", origin: (iata: "EZE", icao: "SAEZ",
                                                                   zone: "America/Argentina/Buenos_Aires"),
            destination: (iata: "MIA", icao: "KMIA", zone: "America/New_York"), scheduledOut: departure, blockTime: .hours(9))
        flight.status = "Cancelled"
        flight.cancelled = true
        fake.setFlights([flight.value], for: "AR1302")

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("early-callback-\(UUID().uuidString)")
        let workflows = directory.appendingPathComponent("workflows")
        try FileManager.default.createDirectory(at: workflows, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.copyItem(
            at: E2E.repository.appendingPathComponent("workflows/flight-notifications.yaml"),
            to: workflows.appendingPathComponent("flight-notifications.yaml"))
        let database = directory.appendingPathComponent("flow.sqlite").path
        let input = directory.appendingPathComponent("trip.json")
        let trip: Value = ["trip": [
            "id": "T-EARLY-1", "agency_id": "acme", "client_name": "Ana", "whatsapp": "+5491155550000",
            "flight_number": "AR1302", "origin": "EZE", "destination": "MIA", "departure": .string(departure.description),
        ]]
        try trip.jsonText.write(to: input, atomically: true, encoding: .utf8)

        let port = try LoopbackPort.free()
        let daemonURL = "http://127.0.0.1:\(port)"
        let environment = E2E.daemonEnvironment(configuration, fakeURL: fakeURL, daemonURL: daemonURL)
        let log = directory.appendingPathComponent("serve.log")
        let serve = try E2E.serveProcess(
            flowctl, port: port, workflows: workflows, database: database, environment: environment, log: log)
        try serve.run()
        defer { if serve.isRunning { serve.terminate() } }
        func serveLog() -> String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

        let healthy = await E2E.eventually(20) {
            (try? await AsyncHTTPClientTransport().send(
                HTTPRequestSpec(method: .get, url: daemonURL + "/health"), timeout: .seconds(1)).status) == 200
        }
        try #require(healthy, "serve did not answer /health:\n\(serveLog())")
        let (startStatus, startOutput) = try E2E.run(
            flowctl, ["start", "flight-notifications", "--input", input.path, "--key", "T-EARLY-1",
                      "--database", "sqlite://" + database, "--workflows", workflows.path], environment: environment)
        try #require(startStatus == 0, "flowctl start failed: \(startOutput)")

        let finished = await E2E.eventually(30) {
            ((try? E2E.query(database, "SELECT status FROM flow_instances")) ?? []) == ["succeeded"]
        }
        #expect(finished, "\((try? E2E.query(database, "SELECT status FROM flow_instances")) ?? [])\n\(serveLog())")
        let messages = fake.acceptedMessages
        #expect(messages.count == 2)
        // Every callback was answered 200 before its message's create call was answered.
        let callbacks = fake.statusCallbacks
        #expect(callbacks.filter { $0.status == "delivered" }.count == 2, "\(callbacks)")
        #expect(callbacks.allSatisfy { $0.responseStatus == 200 }, "\(callbacks)\n\(serveLog())")

        let rows = try E2E.query(database, "SELECT type, status, provider_id FROM notifications_log ORDER BY type")
        let expected = ["CANCELLED", "RESERVATION_CONFIRMATION"].map { type in
            "\(type)\tdelivered\t" + (messages.first { $0.contentSid == Self.contentSid[type] }?.sid ?? "?")
        }
        #expect(rows == expected, "\(rows)\n\(serveLog())")
        #expect(try E2E.query(database, "SELECT COUNT(*) FROM pending_message_statuses") == ["0"])
        #expect(serveLog().contains("delivery status kept until the send records its message id"), "\(serveLog())")

        serve.terminate()
        #expect(await E2E.eventually(15) { !serve.isRunning }, "serve did not stop after SIGTERM")
    }

    /// The Content SIDs of the flow's templates (`workflows/flight-notifications.yaml`).
    static let contentSid = [
        "RESERVATION_CONFIRMATION": "HXb777321419cee086713f1cb529d7fe51", "CANCELLED": "HX1672fabd1ce98f5b7d06f1306ba3afcc",
    ]
}
