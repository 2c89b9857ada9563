import FakeProviders
import FlowEngine
import FlowRuntime
import Foundation
import Steps
import Testing
import Travel

/// Caps under concurrency on PostgreSQL: `notify.send`s of many instances, run by several
/// `InstanceWorker`s on two stores (two daemons' pools) at once, race one agency's cap and one
/// trip's cap; the fake Twilio receives exactly the cap.
@Suite("Postgres caps under concurrent workers")
struct PostgresCapsRaceTests {
    static let source = """
        flow: caps-race
        version: 1
        input:
          trip: { type: string, required: true }
          agency: { type: string, required: true }
          key: { type: string, required: true }
          phone: { type: string, required: true }
          caps: { type: object, required: true }
        start: send
        states:
          send:
            step: notify.send
            with:
              trip_id: ${{ input.trip }}
              agency_id: ${{ input.agency }}
              type: RACE
              key: ${{ input.key }}
              to: ${{ input.phone }}
              template: race
              content_sid: HX0123456789abcdef0123456789abcdef
              caps: ${{ input.caps }}
            idempotency_key: ${{ input.trip }}/${{ input.key }}
            retry: { max_attempts: 3, initial: 1s, factor: 2, max_delay: 10s, on: [transient] }
            propagates: [permanent, timeout, limit]
            save: sent
            next: done
          done:
            succeed: true
        """

    @Test("50 sends racing an agency's cap of 10 and 20 racing a trip's cap of 3 send exactly the caps",
          .enabled(if: TestPostgres.url != nil, "FLOW_TEST_POSTGRES_URL is not set"))
    func racingSendsKeepTheCaps() async throws {
        let directory = WorkflowDirectory.load(
            flows: [SourceFile(path: "caps-race.yaml", text: Self.source)], agencies: [], catalogue: .standard)
        try #require(!directory.diagnostics.hasErrors, "\(directory.diagnostics)")
        let registry = DefinitionRegistry(directory: directory)
        let fake = FakeProviderServer()
        let base = try await fake.start()
        defer { Task { await fake.stop() } }
        try await PostgresWakeTests.twoDaemons { a, b, _ in
            let clock = { InstanceWorker<PostgresFlowStore>.wallClock() }
            try await registry.publish(to: a, at: clock())
            let starter = InstanceStarter(store: a, registry: registry)
            // 50 trips of one agency (10 an hour), then 20 sends to one trip (3 a day) of 20 agencies.
            let sends: [(trip: String, agency: String, key: String, caps: Value)] =
                (0..<50).map { ("agency-trip-\($0)", "race-agency", "k", ["per_agency_per_hour": 10]) }
                + (0..<20).map { ("race-trip", "agency-\($0)", "k\($0)", ["per_trip_per_day": 3]) }
            var ids: [String] = []
            for (n, send) in sends.enumerated() {
                let id = "caps-race-\(n)"
                _ = try await starter.start(
                    flow: "caps-race",
                    input: Self.input(trip: send.trip, agency: send.agency, key: send.key, phone: n, caps: send.caps),
                    agency: send.agency, idempotencyKey: nil, instanceID: id, at: clock())
                ids.append(id)
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (index, store) in [a, b, a, b].enumerated() {
                    let worker = InstanceWorker(
                        store: store, registry: registry, steps: StepRegistry([NotifySendStep(store: store)]),
                        transport: AsyncHTTPClientTransport(), credentials: fake.credentials, endpoints: .local(base),
                        configuration: .init(owner: "caps-\(index)", batchSize: 4, pollInterval: .milliseconds(20)))
                    group.addTask { try await worker.run() }
                }
                let finished = try await PostgresWakeTests.eventually(seconds: 60) {
                    var done = 0
                    for id in ids where try await a.instance(id: id)?.status == .succeeded { done += 1 }
                    return done == ids.count
                }
                group.cancelAll()
                #expect(finished, "every instance should succeed (sent or suppressed)")
            }
            var statuses: [String: Int] = [:]
            for send in sends {
                let row = try await a.notification(tripID: send.trip, type: "RACE", key: send.key)
                statuses[row?.status ?? "missing", default: 0] += 1
            }
            #expect(statuses == ["sent": 13, "suppressed": 57])
            #expect(fake.acceptedCount == 13, "exactly the caps reach the provider")
            let since = clock() - .hours(1)
            #expect(try await a.countNotifications(tripID: nil, agencyID: "race-agency", since: since) == 10)
            #expect(try await a.countNotifications(tripID: "race-trip", agencyID: nil, since: since) == 3)
        }
    }

    static func input(trip: String, agency: String, key: String, phone: Int, caps: Value) -> Value {
        ["trip": .string(trip), "agency": .string(agency), "key": .string(key),
         "phone": .string("+1555" + String(format: "%07d", phone)), "caps": caps]
    }
}
