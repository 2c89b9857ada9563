import FakeProviders
import FlowEngine
import FlowRuntime
import Foundation
import Steps
import Testing
import Travel

/// `flowctl serve` with the concierge against the fakes: a trip recorded through
/// `POST /events/trip.created`, then a signed inbound WhatsApp message → the concierge finds
/// the trip, looks the flight up on AeroAPI, replies through Twilio with the departure in the
/// origin's local time, and both turns land in `conversations`.
@Suite("concierge under flowctl serve", .serialized)
struct ConciergeServeTests {
    typealias E = ServeEndToEndTests

    @Test("a signed inbound message gets the flight-info reply; both turns are stored")
    func inboundFlightQuestion() async throws {
        let flowctl = URL(fileURLWithPath: try DaemonProcess.flowctlPath())
        let configuration = FakeProviderServer.Configuration()
        let fake = FakeProviderServer(configuration: configuration)
        let fakeURL = try await fake.start()
        defer { Task { await fake.stop() } }

        let now = FakeProviderServer.wallClock()
        let departure = Instant(epochMilliseconds: (now.epochMilliseconds / 60_000 + 180) * 60_000)
        var flight = FakeFlight(
            ident: "AR1140", faFlightID: "ARG1140-concierge",
            origin: (iata: "EZE", icao: "SAEZ", zone: "America/Argentina/Buenos_Aires"),
            destination: (iata: "MAD", icao: "LEMD", zone: "Europe/Madrid"), scheduledOut: departure, blockTime: .hours(12))
        flight.estimatedOut = departure
        flight.gateOrigin = "7"
        fake.setFlights([flight.value], for: "AR1140")

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("concierge-e2e-\(UUID().uuidString)")
        let workflows = directory.appendingPathComponent("workflows")
        try FileManager.default.createDirectory(at: workflows, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.copyItem(
            at: E.repository.appendingPathComponent("workflows/concierge.yaml"),
            to: workflows.appendingPathComponent("concierge.yaml"))
        // A flow that only records the trips of `trip.created` (its trigger's `records: trip`).
        try E.tripsFlow.write(to: workflows.appendingPathComponent("trips.yaml"), atomically: true, encoding: .utf8)
        let database = directory.appendingPathComponent("flow.sqlite").path

        // The API key the event is sent with, stored before the daemon starts (as `flowctl keys create` does).
        let keys = try await SQLiteFlowStore.open(.file(path: database), adding: TravelSchema.schema)
        let key = try await APIKeys.create(
            in: keys, name: "acme-ops", agency: "acme", admin: false, at: InstanceWorker<SQLiteFlowStore>.wallClock())
        try await keys.close()

        let port = try LoopbackPort.free()
        let daemonURL = "http://127.0.0.1:\(port)"
        let environment = E.daemonEnvironment(configuration, fakeURL: fakeURL, daemonURL: daemonURL)
        let log = directory.appendingPathComponent("serve.log")
        let serve = try E.serveProcess(
            flowctl, port: port, workflows: workflows, database: database, environment: environment, log: log)
        try serve.run()
        defer { if serve.isRunning { serve.terminate() } }
        func serveLog() -> String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }
        let healthy = await E.answersHealth(daemonURL)
        try #require(healthy, "serve did not answer /health:\n\(serveLog())")

        // The trip enters through the event route; the `trips` flow's trigger records it.
        let trip: Value = ["trip": [
            "id": "T-CONCIERGE-1", "agency_id": "acme", "client_name": "Ana Pérez", "whatsapp": "+5491155550000",
            "flight_number": "AR1140", "origin": "EZE", "destination": "MAD", "departure": .string(departure.description),
        ]]
        let event = try await AsyncHTTPClientTransport().send(
            HTTPRequestSpec(method: .post, url: daemonURL + "/events/trip.created?agency=acme",
                            headers: [("Content-Type", "application/json"), ("Authorization", "Bearer \(key.token)")],
                            body: Array(trip.jsonText.utf8)),
            timeout: .seconds(30))
        #expect(event.status == 200)
        #expect(try await E.query(database, "SELECT id, whatsapp, agency_id FROM trips") == ["T-CONCIERGE-1\t+5491155550000\tacme"])

        let form: [(String, String)] = [
            ("AccountSid", configuration.twilioAccountSid), ("MessageSid", "SM" + String(repeating: "a", count: 32)),
            ("From", "whatsapp:+5491155550000"), ("To", "whatsapp:+5491140000000"),
            ("Body", "¿A qué hora sale mi vuelo?"), ("NumMedia", "0"), ("ProfileName", "Ana"),
        ]
        let url = daemonURL + "/webhooks/twilio/inbound"
        let signature = TwilioSignature.compute(url: url, parameters: form, authToken: configuration.twilioAuthToken)
        let inboundStatus = try await E.post(url, form: form, signature: signature)
        #expect(inboundStatus == 200, "\(serveLog())")

        let replied = await E.eventually(60) { fake.acceptedMessages.contains { $0.body != nil } }
        try #require(replied, "no reply reached the Twilio fake\n\(serveLog())")
        let reply = try #require(fake.acceptedMessages.first { $0.body != nil })
        let zone = try #require(ZoneRules(identifier: "America/Argentina/Buenos_Aires"))
        let local = SpanishTimeFormat.human(departure, zone: zone, iata: "EZE")
        #expect(reply.to == "whatsapp:+5491155550000")
        #expect(reply.body == "Tu vuelo AR1140 de Buenos Aires a Madrid sale el \(local), hora local de Buenos Aires. "
            + "Puerta de embarque: 7.", "\(reply)")
        #expect(fake.requestCount(.aeroapi) >= 1)

        let stored = await E.eventually(60) {
            ((try? await E.query(database, "SELECT sender, intent, message FROM conversations ORDER BY id")) ?? []).count == 2
        }
        #expect(stored, "\(serveLog())")
        let turns = try await E.query(database, "SELECT sender, intent, message, provider_id FROM conversations ORDER BY id")
        #expect(turns.first == "user\tflight_info\t¿A qué hora sale mi vuelo?\tSM" + String(repeating: "a", count: 32))
        #expect(turns.last == "bot\tflight_info\t\(reply.body ?? "")\t\(reply.sid)")
        let finished = await E.eventually(60) {
            ((try? await E.query(database, "SELECT flow, status FROM flow_instances ORDER BY flow")) ?? [])
                == ["concierge\tsucceeded", "trips\tsucceeded"]
        }
        let statuses = (try? await E.query(database, "SELECT flow, status FROM flow_instances")) ?? []
        #expect(finished, "\(statuses)\n\(serveLog())")
        serve.terminate()
        _ = await E.eventually(60) { !serve.isRunning }
    }
}
