import FakeProviders
import FlowEngine
import Foundation
import Steps
import Testing

/// `flowctl replay` over a real `flowctl serve` recording of `flight-notifications`: a trip whose
/// reminder falls due seconds after it starts (the agency's `reminder_before: 2h`) and whose flight
/// is 10 minutes late (under the 15m threshold: no DELAYED). Replayed through a version whose
/// `quiet_hours` cover the reminder's local time and whose `delay_threshold` default is 5m, the
/// diff names exactly the reminder, moved to the end of those quiet hours, and the DELAYED
/// message, added then.
@Suite("flowctl replay of a serve recording", .serialized)
struct ReplayServeTests {
    typealias E2E = ServeEndToEndTests

    /// Airports around the world (IATA, ICAO, zone): one of them is in its working day at any hour.
    static let airports: [(iata: String, icao: String, zone: String)] = [
        ("HNL", "PHNL", "Pacific/Honolulu"), ("LAX", "KLAX", "America/Los_Angeles"), ("JFK", "KJFK", "America/New_York"),
        ("EZE", "SAEZ", "America/Argentina/Buenos_Aires"), ("MAD", "LEMD", "Europe/Madrid"),
        ("DXB", "OMDB", "Asia/Dubai"), ("DEL", "VIDP", "Asia/Kolkata"), ("BKK", "VTBS", "Asia/Bangkok"),
        ("NRT", "RJAA", "Asia/Tokyo"), ("SYD", "YSSY", "Australia/Sydney"), ("AKL", "NZAA", "Pacific/Auckland"),
    ]

    @Test("a serve run replayed with other quiet hours and a lower delay threshold: reminder moved, DELAYED added")
    func replayOfServeRecording() async throws {
        let fake = FakeProviderServer()
        let fakeURL = try await fake.start()
        defer { Task { await fake.stop() } }
        let flowctl = URL(fileURLWithPath: try DaemonProcess.flowctlPath())

        // The origin where it is now between 10:00 and 18:00: the recorded reminder is outside the
        // shipped quiet hours (20:00-09:00), so the recording sends it at once.
        let now = FakeProviderServer.wallClock()
        let origin = try #require(Self.airports.first { airport in
            let hour = ZoneRules(identifier: airport.zone)?.localDateTime(of: now).hour ?? 0
            return (10..<18).contains(hour)
        })
        let zone = try #require(ZoneRules(identifier: origin.zone))

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("replay-serve-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let workflows = directory.appendingPathComponent("workflows")
        try FileManager.default.createDirectory(
            at: workflows.appendingPathComponent("agencies"), withIntermediateDirectories: true)
        let shipped = try String(
            contentsOf: E2E.repository.appendingPathComponent("workflows/flight-notifications.yaml"), encoding: .utf8)
        try shipped.write(to: workflows.appendingPathComponent("flight-notifications.yaml"), atomically: true, encoding: .utf8)
        try """
            agency: acme
            flows:
              flight-notifications:
                settings:
                  reminder_before: 2h
                  reminder_min_lead: 1h
            """.write(to: workflows.appendingPathComponent("agencies/acme.yaml"), atomically: true, encoding: .utf8)
        let database = directory.appendingPathComponent("flow.sqlite").path

        let port = try LoopbackPort.free()
        let daemonURL = "http://127.0.0.1:\(port)"
        let configuration = FakeProviderServer.Configuration()
        let environment = E2E.daemonEnvironment(configuration, fakeURL: fakeURL, daemonURL: daemonURL)
        let log = directory.appendingPathComponent("serve.log")
        let serve = try E2E.serveProcess(
            flowctl, port: port, workflows: workflows, database: database, environment: environment, log: log)
        try serve.run()
        defer { if serve.isRunning { serve.terminate() } }
        func serveLog() -> String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }
        let healthy = await E2E.answersHealth(daemonURL)
        try #require(healthy, "serve did not answer /health:\n\(serveLog())")

        // Departure in 2h15s: the reminder (2h before) is due 15 s after the start; the flight is 10m late.
        let started = FakeProviderServer.wallClock()
        let departure = Instant(epochSeconds: started.epochSeconds + 2 * 3600 + 15)
        var flight = FakeFlight(
            ident: "AR1302", faFlightID: "ARG1302-replay",
            origin: (iata: origin.iata, icao: origin.icao, zone: origin.zone),
            destination: (iata: "MIA", icao: "KMIA", zone: "America/New_York"), scheduledOut: departure,
            blockTime: .hours(9))
        flight.estimatedOut = departure + .minutes(10)
        fake.setFlights([flight.value], for: "AR1302")
        let input = directory.appendingPathComponent("trip.json")
        let trip: Value = ["trip": [
            "id": "T-REPLAY-1", "agency_id": "acme", "client_name": "Ana", "whatsapp": "+5491155550000",
            "flight_number": "AR1302", "origin": .string(origin.iata), "destination": "MIA",
            "departure": .string(departure.description),
        ]]
        try trip.jsonText.write(to: input, atomically: true, encoding: .utf8)
        let (startStatus, startOutput) = try await E2E.run(
            flowctl, ["start", "flight-notifications", "--input", input.path, "--key", "T-REPLAY-1",
                      "--database", "sqlite://" + database, "--workflows", workflows.path], environment: environment)
        try #require(startStatus == 0, "flowctl start failed: \(startOutput)")

        // The recording: confirmation, reminder, one lookup, then waiting for the next poll (40 minutes on).
        let polled = await E2E.eventually(90) {
            let rows = (try? await E2E.query(
                database, "SELECT count(*) FROM instance_events WHERE kind = 'timer_set' AND details LIKE '%wait_next_poll%'"))
            return rows == ["1"]
        }
        try #require(polled, "messages \(fake.acceptedMessages.map(\.contentSid))\n\(serveLog())")
        #expect(fake.acceptedMessages.count == 2)
        serve.terminate()
        _ = await E2E.eventually(30) { !serve.isRunning }
        let id = try #require(try await E2E.query(database, "SELECT id FROM flow_instances").first)

        // The new version: quiet hours from the reminder's local minute to 3 minutes later, threshold 5m.
        let reminder = departure - .hours(2)
        let local = zone.localDateTime(of: reminder)
        let quiet = String(format: "%02d:%02d-%02d:%02d", local.hour, local.minute,
                           local.hour + (local.minute + 3) / 60, (local.minute + 3) % 60)
        var changed = shipped.replacingOccurrences(
            of: "quiet_hours: { type: window, default: \"20:00-09:00\"", with: "quiet_hours: { type: window, default: \"\(quiet)\"")
        changed = changed.replacingOccurrences(
            of: "delay_threshold: { type: duration, default: 15m", with: "delay_threshold: { type: duration, default: 5m")
        changed = changed.replacingOccurrences(of: "\nversion: 1\n", with: "\nversion: 2\n")
        #expect(changed.contains(quiet) && changed.contains("default: 5m") && changed.contains("version: 2"))
        let newFlow = directory.appendingPathComponent("flight-notifications-v2.yaml")
        try changed.write(to: newFlow, atomically: true, encoding: .utf8)

        let (status, output) = try await E2E.run(
            flowctl, ["replay", id, "--flow", newFlow.path, "--database", "sqlite://" + database, "--format", "json"],
            environment: environment)
        #expect(status == 2, "\(output)")
        let report = try JSONDecoder().decode(Value.self, from: Data(output.utf8))
        let messages = try #require(report["messages"], "\(output)")
        let moved = messages["moved"]?.arrayValue ?? []
        let added = messages["added"]?.arrayValue ?? []
        #expect(moved.count == 1 && added.count == 1, "\(output)")
        #expect(messages["removed"]?.arrayValue == [] && messages["changed"]?.arrayValue == [], "\(output)")
        #expect(moved.first?["recorded"]?["type"] == "REMINDER_24H")
        #expect(added.first?["type"] == "DELAYED")
        // Moved from (about) its due instant to the end of the new quiet hours, 2 to 3 minutes later.
        let from = try #require(moved.first?["recorded"]?["at"]?.stringValue.flatMap(Instant.init(iso8601:)))
        let to = try #require(moved.first?["replayed"]?["at"]?.stringValue.flatMap(Instant.init(iso8601:)))
        #expect(to - reminder >= .minutes(2) && to - reminder <= .minutes(3), "\(reminder) → \(to)")
        #expect(from >= reminder && from - reminder < .seconds(60))
        #expect(zone.localDateTime(of: to).minute == (local.minute + 3) % 60)
        let delayedAt = try #require(added.first?["at"]?.stringValue.flatMap(Instant.init(iso8601:)))
        #expect(delayedAt == to)
        #expect(report["states"]?["only_replayed"] == ["send_delayed"])
        #expect(report["states"]?["only_recorded"] == .array([]))
        #expect(report["missing_answer"] == .null)
        #expect(report["recorded_version"]?.stringValue?.hasPrefix("1+") == true)
        #expect(report["replayed_version"]?.stringValue?.hasPrefix("2+") == true)

        // The same recording through itself: nothing differs, exit 0.
        let (same, sameOutput) = try await E2E.run(
            flowctl, ["replay", id, "--flow", workflows.appendingPathComponent("flight-notifications.yaml").path,
                      "--database", "sqlite://" + database], environment: environment)
        #expect(same == 0, "\(sameOutput)")
        #expect(sameOutput.contains("no differences"), "\(sameOutput)")
    }
}
