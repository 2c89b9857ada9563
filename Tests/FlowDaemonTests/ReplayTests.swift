import FakeProviders
import FlowEngine
import FlowRuntime
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import Travel

/// Replays of recordings made by dry-runs and stored like the daemon stores them (a SQLite file):
/// the batch form over a week of trips, the call a recording has no answer for, and the API route.
@Suite("Replay of recorded instances")
struct ReplayTests {
    typealias A = APIFixture

    static let base = Instant(iso8601: "2026-07-01T12:00:00Z")!

    /// Runs `source` as a dry-run from `start` and stores the run as instance `id` (its definition,
    /// its record with the state it started in, its whole timeline), as a daemon would have.
    static func record(
        _ source: String, id: String, input: Value, agency: String? = nil, fixtures: DryRunFixtures = DryRunFixtures(),
        start: Instant, in store: some FlowStore
    ) async throws {
        let (loaded, diagnostics) = Replay.validate(SourceFile(path: "\(id).yaml", text: source))
        let flow = try #require(loaded, "\(diagnostics)").flow
        let settings = Value.object(Dictionary(flow.settings.map { ($0.name.value, $0.defaultValue.value) },
                                               uniquingKeysWith: { $1 }))
        var dryRun = DryRun(flow: flow, input: input, settings: settings, agency: agency, fixtures: fixtures,
                            start: start, product: TravelProduct())
        dryRun.instanceID = id
        let report = try await dryRun.run()
        let hash = try #require(loaded?.contentHash)
        try await store.saveDefinition(StoredDefinition(
            name: flow.name.value, hash: hash, version: flow.version.value, source: source, createdAt: start))
        let first = Interpreter(flow: flow).start(instanceID: id, input: input, settings: settings, agency: agency, at: start)
        let record = InstanceRecord(
            id: id, flow: flow.name.value, definitionHash: hash, agencyID: agency,
            status: InstanceStatus(rawValue: report.status) ?? .failed, state: try InstanceStateCoding.encode(first.state),
            settings: settings.jsonText, wakeAt: nil, idempotencyKey: id, createdAt: start, updatedAt: report.end)
        _ = try await store.createInstance(record, history: report.history)
    }

    static func temporaryDatabase() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("replay-\(UUID().uuidString).sqlite").path
    }

    static var shippedNotifications: String {
        get throws {
            try String(contentsOf: ServeEndToEndTests.repository.appendingPathComponent("workflows/flight-notifications.yaml"),
                       encoding: .utf8)
        }
    }

    @Test("the batch form: a week of trips, every other flight 10 minutes late, through a 5m threshold")
    func batchOverAWeek() async throws {
        let path = Self.temporaryDatabase()
        let store = try await SQLiteFlowStore.open(.file(path: path), adding: TravelSchema.schema)
        let shipped = try Self.shippedNotifications
        // Seven trips created a day apart, and one ten days before the first (outside the window).
        for day in [-10, 0, 1, 2, 3, 4, 5, 6] {
            let start = Self.base + .days(Int64(day))
            let departure = start + .hours(30)
            var flight = FakeFlight(
                ident: "AR1302", faFlightID: "ARG1302-\(day)",
                origin: (iata: "EZE", icao: "SAEZ", zone: "America/Argentina/Buenos_Aires"),
                destination: (iata: "MIA", icao: "KMIA", zone: "America/New_York"), scheduledOut: departure,
                blockTime: .hours(9))
            if day % 2 == 0 { flight.estimatedOut = departure + .minutes(10) }
            let fixtures = DryRunFixtures(aeroapi: [.init(
                from: start, status: 200, body: ["flights": [flight.value], "links": .null, "num_pages": 1])])
            let trip: Value = ["trip": [
                "id": .string("T-\(day)"), "agency_id": "acme", "client_name": "Ana", "whatsapp": "+5491155550000",
                "flight_number": "AR1302", "origin": "EZE", "destination": "MIA", "departure": .string(departure.description),
            ]]
            try await Self.record(shipped, id: "i\(day)", input: trip, agency: "acme", fixtures: fixtures, start: start,
                                  in: store)
        }
        try await store.close()
        let lower = shipped.replacingOccurrences(
            of: "delay_threshold: { type: duration, default: 15m", with: "delay_threshold: { type: duration, default: 5m")
        let flowPath = FileManager.default.temporaryDirectory.appendingPathComponent("fn-\(UUID().uuidString).yaml").path
        try lower.write(toFile: flowPath, atomically: true, encoding: .utf8)
        let now = Self.base + .days(7) - .hours(1)

        let outcome = await ReplayInvocation(
            instance: nil, flowPath: flowPath, since: "7d", flowName: "flight-notifications",
            store: .sqlite(.file(path: path)), product: TravelProduct()).run(now: now)
        #expect(outcome.exitCode == 2, "\(outcome.standardError)")
        #expect(outcome.standardOutput.contains("7 run(s), 4 would differ"), "\(outcome.standardOutput)")
        for day in [0, 2, 4, 6] { #expect(outcome.standardOutput.contains("  i\(day):")) }
        for day in [-10, 1, 3, 5] { #expect(!outcome.standardOutput.contains("i\(day):")) }
        #expect(outcome.standardOutput.contains("added    DELAYED"), "\(outcome.standardOutput)")

        let json = await ReplayInvocation(
            instance: nil, flowPath: flowPath, since: "7d", json: true, store: .sqlite(.file(path: path)),
            product: TravelProduct()).run(now: now)
        let summary = try JSONDecoder().decode(Value.self, from: Data(json.standardOutput.utf8))
        #expect(summary["runs"] == 7 && summary["differing"] == 4, "\(json.standardOutput)")
        let differing = summary["instances"]?.arrayValue?.filter { $0["differs"] == true }.compactMap { $0["instance"]?.stringValue }
        #expect(differing == ["i0", "i2", "i4", "i6"])

        // The same week through the shipped version: no run differs, exit 0.
        let shippedPath = flowPath + ".shipped.yaml"
        try shipped.write(toFile: shippedPath, atomically: true, encoding: .utf8)
        let same = await ReplayInvocation(
            instance: nil, flowPath: shippedPath, since: "7d", store: .sqlite(.file(path: path)),
            product: TravelProduct()).run(now: now)
        #expect(same.exitCode == 0 && same.standardOutput.contains("7 run(s), 0 would differ"), "\(same.standardOutput)")

        // Usage and validation errors.
        let both = await ReplayInvocation(instance: "i0", flowPath: flowPath, since: "7d", store: .sqlite(.file(path: path)))
            .run(now: now)
        #expect(both.exitCode == 64)
        let broken = flowPath + ".broken.yaml"
        try lower.replacingOccurrences(of: "next: lifecycle_route", with: "next: nowhere")
            .write(toFile: broken, atomically: true, encoding: .utf8)
        let invalid = await ReplayInvocation(instance: "i0", flowPath: broken, store: .sqlite(.file(path: path)))
            .run(now: now)
        #expect(invalid.exitCode == 65 && invalid.standardError.contains(".broken.yaml:"), "\(invalid.standardError)")
        let missing = await ReplayInvocation(instance: "nope", flowPath: flowPath, store: .sqlite(.file(path: path)))
            .run(now: now)
        #expect(missing.exitCode == 64 && missing.standardError.contains("no instance 'nope'"))
        let otherAgency = await ReplayInvocation(
            instance: "i0", flowPath: flowPath, agency: "patagonia", store: .sqlite(.file(path: path))).run(now: now)
        #expect(otherAgency.exitCode == 64)
    }

    static let greet = """
        flow: lookup
        version: 1
        input:
          phone: { type: string, required: true }
        start: hello
        states:
          hello:
            step: twilio.send_text
            with: { to: "${{ input.phone }}", body: "Hola" }
            idempotency_key: "hello/${{ input.phone }}"
            propagates: [transient, permanent, timeout]
            next: done
          done:
            succeed: true
        """

    /// Version 2 looks a flight up before greeting: version 1 never did, so the recording has no answer.
    static let lookupFirst = """
        flow: lookup
        version: 2
        input:
          phone: { type: string, required: true }
        start: look
        states:
          look:
            step: aeroapi.flight
            with:
              ident: AR1302
              origin: EZE
              scheduled_departure: ${{ instant('2026-07-08T12:00:00Z') }}
            propagates: [transient, permanent, not_found, timeout, limit]
            next: hello
          hello:
            step: twilio.send_text
            with: { to: "${{ input.phone }}", body: "Hola" }
            idempotency_key: "hello/${{ input.phone }}"
            propagates: [transient, permanent, timeout]
            next: done
          done:
            succeed: true
        """

    @Test("a call the recording has no answer for stops the replay there and the diff says so")
    func missingAnswer() async throws {
        let store = try await SQLiteFlowStore.open(.file(path: Self.temporaryDatabase()), adding: TravelSchema.schema)
        try await Self.record(Self.greet, id: "g1", input: ["phone": "+5491155550000"], start: Self.base, in: store)
        let (loaded, diagnostics) = Replay.validate(SourceFile(path: "v2.yaml", text: Self.lookupFirst))
        let v2 = try #require(loaded, "\(diagnostics)")
        let record = try #require(try await store.instance(id: "g1"))
        let report = try await StoredReplay(store: store, flow: v2, product: TravelProduct()).replay(record)
        let missing = try #require(report.missingAnswer)
        #expect(missing.step == "aeroapi.flight" && missing.state == "look" && missing.at == Self.base)
        #expect(report.differs)
        #expect(report.diff.replayed.status == "stopped")
        #expect(report.diff.statesOnlyRecorded == ["hello", "done"], "\(report.diff.statesOnlyRecorded)")
        #expect(report.diff.statesOnlyReplayed == ["look"])
        #expect(report.text.contains("no recorded answer for aeroapi.flight at look (2026-07-01T12:00:00Z)"), "\(report.text)")
        #expect(report.json["missing_answer"]?["step"] == "aeroapi.flight")
        // Nothing after the unanswered call: no step outcome, no message.
        #expect(!report.replayed.history.contains { $0.kind == .stepSucceeded || $0.kind == .stepFailed })
        #expect(report.replayed.history.last?.kind == .stepCalled)
        try await store.close()
    }

    @Test("POST /instances/{id}/replay: the diff; 422 with the diagnostics; another agency's key 404")
    func apiRoute() async throws {
        let fixture = try await A.make()
        let app = try await fixture.app()
        let immediate = A.hold.replacingOccurrences(of: "for: 1h", with: "for: 0s")
            .replacingOccurrences(of: "version: 1", with: "version: 2")
        try await app.test(.router) { client in
            let (status, started) = try await A.start(client, token: fixture.acme)
            #expect(status == .created)
            let id = try #require(started["id"]?.stringValue)
            func replay(_ token: String, _ body: Value) async throws -> (HTTPResponse.Status, Value) {
                try await client.execute(
                    uri: "/instances/\(id)/replay", method: .post, headers: A.headers(token),
                    body: ByteBuffer(string: body.jsonText)
                ) { ($0.status, (try? A.json($0)) ?? .null) }
            }
            let (ok, report) = try await replay(fixture.acme, ["flow_source": .string(immediate)])
            #expect(ok == .ok, "\(report)")
            #expect(report["instance"] == .string(id) && report["differs"] == true)
            #expect(report["states"]?["only_replayed"] == ["done"], "\(report)")
            #expect(report["replayed"]?["status"] == "succeeded" && report["recorded"]?["status"] == "waiting")
            #expect(report["replayed_version"]?.stringValue?.hasPrefix("2+") == true)
            let (admin, _) = try await replay(fixture.admin, ["flow_source": .string(A.hold)])
            #expect(admin == .ok)
            let (other, hidden) = try await replay(fixture.patagonia, ["flow_source": .string(immediate)])
            #expect(other == .notFound && !hidden.jsonText.contains(id))

            let broken = A.hold.replacingOccurrences(of: "next: done", with: "next: gone")
            let (invalid, error) = try await replay(fixture.acme, ["flow_source": .string(broken)])
            #expect(invalid == .unprocessableContent)
            #expect(error["error"]?["code"] == "invalid_flow", "\(error)")
            let diagnostic = error["error"]?["diagnostics"]?.arrayValue?.first
            #expect(diagnostic?["line"] == 13 && diagnostic?["column"] != nil, "\(error)")
            #expect(diagnostic?["file"] == "flow_source")
            let (unknown, unknownError) = try await replay(fixture.acme, ["flow_source": .string(A.hold), "speed": 2])
            #expect(unknown == .unprocessableContent)
            #expect(unknownError["error"]?["message"]?.stringValue?.contains("'speed'") == true)
            let (other422, otherFlow) = try await replay(
                fixture.acme, ["flow_source": .string(A.hold.replacingOccurrences(of: "flow: hold", with: "flow: other"))])
            #expect(other422 == .unprocessableContent && otherFlow.jsonText.contains("runs flow 'hold'"))
            let (missing, _) = try await replay(fixture.acme, [:])
            #expect(missing == .unprocessableContent)
        }
    }
}

/// A recording in which a read paused after its retries (`on_exhausted: pause`) and a person resumed
/// it: the replay applies the recorded resume at its instant, so the same version replays the same.
@Suite("Replay of a resumed pause")
struct ReplayResumeTests {
    static let flow = """
        flow: booking-check
        version: 1
        start: look
        states:
          look:
            step: http.request
            with: { url: "https://api.example.com/bookings/b-1", credential: backend }
            retry: { max_attempts: 2, initial: 5s, on: [transient], on_exhausted: pause }
            catch: [ { errors: [transient, permanent, not_found, timeout, invalid_response], next: failed } ]
            save: booking
            next: done
          done:
            succeed: { output: { status: "${{ vars.booking.body.status }}" } }
          failed:
            fail: { error: backend_failed }
        """

    @Test("the recorded resume is applied: the same version replays without a difference")
    func resumedPauseReplaysTheSame() async throws {
        let store = try await SQLiteFlowStore.open(.file(path: ReplayTests.temporaryDatabase()), adding: TravelSchema.schema)
        let fixtures = try DryRunFixtures(parsing: SourceFile(path: "fixtures.yaml", text: """
            http:
              - { url: "https://api.example.com/bookings/", method: GET, status: 503, body: { error: busy } }
              - { url: "https://api.example.com/bookings/", method: GET, from: "2026-07-01T13:00:00Z", body: { status: held } }
            resumes:
              - { at: "2026-07-01T14:00:00Z", by: ops, note: backend is back }
            """))
        try await ReplayTests.record(Self.flow, id: "b1", input: [:], fixtures: fixtures, start: ReplayTests.base, in: store)
        let record = try #require(try await store.instance(id: "b1"))
        #expect(record.status == .succeeded)
        let (loaded, diagnostics) = Replay.validate(SourceFile(path: "v1.yaml", text: Self.flow))
        let same = try #require(loaded, "\(diagnostics)")
        let report = try await StoredReplay(store: store, flow: same, product: TravelProduct()).replay(record)
        #expect(report.replayed.status == "succeeded", "\(report.text)")
        #expect(report.replayed.history.contains { $0.kind == .resumed && $0.details["by"] == "ops" })
        #expect(!report.differs, "\(report.text)")
        try await store.close()
    }
}
