import FlowEngine
import FlowRuntime
import Travel
import Foundation
import Hummingbird
import HummingbirdTesting
import Steps
import Testing

enum EventFixtures {
    /// The shipped workflow directory (`workflows/` at the package root).
    static let workflows = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("workflows").path

    static func trip(_ id: String) -> Value {
        ["trip": [
            "id": .string(id), "agency_id": "acme", "client_name": "Ana Pérez", "whatsapp": "+5491155550000",
            "flight_number": "AR1662", "origin": "EZE", "destination": "MDZ",
            "departure": "2026-07-10T13:00:00-03:00",
        ]]
    }

    static func tripJSON(_ id: String) -> String { trip(id).jsonText }
}

@Suite("Event triggers")
struct EventTests {
    typealias F = EventFixtures

    @Test("trip.created starts flight-notifications and itinerary once per trip, through any path")
    func oncePerTrip() async throws {
        let store = try await DaemonFixtures.temporarySQLite()
        let registry = DefinitionRegistry(path: F.workflows)
        #expect(!registry.directory.diagnostics.hasErrors, "\(registry.directory.diagnostics)")
        let dispatcher = DaemonFixtures.dispatcher(store, registry: registry)
        let now = DaemonFixtures.start

        let first = try await dispatcher.dispatch(event: "trip.created", payload: F.trip("T-1"), agency: "acme", at: now)
        #expect(first.map(\.flow) == ["flight-notifications", "itinerary"])
        #expect(first.map(\.created) == [true, true])
        #expect(first.last?.key == "event/itinerary/T-1")
        #expect(first.first?.key == "event/flight-notifications/T-1")
        let again = try await dispatcher.dispatch(event: "trip.created", payload: F.trip("T-1"), agency: "acme", at: now)
        #expect(again.map(\.created) == [false, false])
        #expect(again.first?.instance.id == first.first?.instance.id)

        // `flowctl start` derives the same key from the flow's trigger and the input.
        let loaded = try #require(registry.current("flight-notifications"))
        let trigger = try #require(EventDispatcher<SQLiteFlowStore>.trigger(of: loaded.flow))
        let derived = try EventDispatcher<SQLiteFlowStore>.derive(
            flow: loaded.flow, trigger: trigger, payload: nil, input: F.trip("T-1"), settings: .object([:]))
        #expect(derived.idempotencyKey == "event/flight-notifications/T-1")
        let direct = try await dispatcher.starter.start(
            flow: "flight-notifications", input: derived.input, agency: "acme", idempotencyKey: derived.idempotencyKey,
            at: now)
        guard case .existing(let existing) = direct else { Issue.record("a second instance for T-1"); return }
        #expect(existing.id == first.first?.instance.id)

        let other = try await dispatcher.dispatch(event: "trip.created", payload: F.trip("T-2"), agency: nil, at: now)
        #expect(other.map(\.created) == [true, true])
        #expect(try await store.instances(matching: InstanceFilter(flow: "flight-notifications")).count == 2)
        #expect(try await dispatcher.dispatch(event: "trip.cancelled", payload: F.trip("T-3"), agency: nil, at: now)
            .isEmpty)
        try await store.close()
    }

    @Test("concurrent deliveries of one trip create one instance")
    func concurrentDeliveries() async throws {
        let store = try await DaemonFixtures.temporarySQLite()
        let registry = DefinitionRegistry(path: F.workflows)
        let dispatcher = DaemonFixtures.dispatcher(store, registry: registry)
        let ids = try await withThrowingTaskGroup(of: String?.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    try await dispatcher.dispatch(event: "trip.created", payload: F.trip("T-9"), agency: nil,
                                                  at: DaemonFixtures.start).first?.instance.id
                }
            }
            return try await group.reduce(into: Set<String?>()) { $0.insert($1) }
        }
        #expect(ids.count == 1)
        #expect(try await store.instances(matching: InstanceFilter(flow: "flight-notifications")).count == 1)
        try await store.close()
    }

    @Test("a payload that does not fit the input is rejected with where and why")
    func badPayload() async throws {
        let store = try await DaemonFixtures.temporarySQLite()
        let dispatcher = DaemonFixtures.dispatcher(store, registry: DefinitionRegistry(path: F.workflows))
        let error = await #expect(throws: EventDispatcher<SQLiteFlowStore>.DispatchError.self) {
            _ = try await dispatcher.dispatch(event: "trip.created", payload: ["trip": ["id": "T-1"]], agency: nil,
                                              at: DaemonFixtures.start)
        }
        #expect(error?.description.contains("missing the required field 'agency_id'") == true, "\(String(describing: error))")
        #expect(try await store.instances(matching: InstanceFilter()).isEmpty)
        try await store.close()
    }

    @Test("a trip id of another agency is refused: its row is not rewritten and nothing starts")
    func anotherAgencysTrip() async throws {
        let store = try await DaemonFixtures.temporarySQLite()
        let dispatcher = DaemonFixtures.dispatcher(store, registry: DefinitionRegistry(path: F.workflows))
        _ = try await dispatcher.dispatch(event: "trip.created", payload: F.trip("T-OWN"), agency: nil,
                                          at: DaemonFixtures.start)
        var payload = F.trip("T-OWN")
        payload = ["trip": .object((payload["trip"]?.objectValue ?? [:]).merging(
            ["agency_id": "patagonia", "whatsapp": "+5491100000000"]) { $1 })]
        let error = await #expect(throws: EventDispatcher<SQLiteFlowStore>.DispatchError.self) {
            _ = try await dispatcher.dispatch(event: "trip.created", payload: payload, agency: nil, at: DaemonFixtures.start)
        }
        #expect(error?.description.contains("already used by another agency") == true, "\(String(describing: error))")
        let trip = try await store.trip(id: "T-OWN")
        #expect(trip?.agencyID == "acme" && trip?.whatsapp == "+5491155550000")
        #expect(try await store.instances(matching: InstanceFilter(agencyID: "patagonia")).isEmpty)
        try await store.close()
    }

    @Test("a trip to an unknown airport is rejected before anything starts or is recorded")
    func unknownAirport() async throws {
        let store = try await DaemonFixtures.temporarySQLite()
        let dispatcher = DaemonFixtures.dispatcher(store, registry: DefinitionRegistry(path: F.workflows))
        var payload = F.trip("T-XQZ")
        payload = ["trip": .object((payload["trip"]?.objectValue ?? [:]).merging(["destination": "XQZ"]) { $1 })]
        let error = await #expect(throws: EventDispatcher<SQLiteFlowStore>.DispatchError.self) {
            _ = try await dispatcher.dispatch(event: "trip.created", payload: payload, agency: nil, at: DaemonFixtures.start)
        }
        #expect(error?.description.contains("input.trip.destination: 'XQZ' is not a known IATA airport code") == true,
                "\(String(describing: error))")
        #expect(try await store.instances(matching: InstanceFilter()).isEmpty)
        #expect(try await store.trip(id: "T-XQZ") == nil)
        try await store.close()
    }

    @Test("POST /events/trip.created answers the instance, the same one twice")
    func httpRoute() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("flow-events-\(UUID().uuidString).sqlite").path
        let keys = try await SQLiteFlowStore.open(.file(path: path), adding: TravelSchema.schema)
        let key = try await APIKeys.create(
            in: keys, name: "acme-ops", agency: "acme", admin: false, at: DaemonFixtures.start)
        try await keys.close()
        let headers: HTTPFields = [.authorization: "Bearer \(key.token)"]
        let app = try await buildApplication(
            configuration: DaemonFixtures.configuration(database: "sqlite://" + path), product: TravelProduct(),
            environment: DaemonEnvironment(variables: [:], transport: FixtureTransport(queue: [])))
        try await app.test(.router) { client in
            var ids: [String] = []
            for expectedCreated in [true, false] {
                try await client.execute(
                    uri: "/events/trip.created?agency=acme", method: .post, headers: headers,
                    body: ByteBuffer(string: F.tripJSON("T-7"))
                ) { response in
                    #expect(response.status == .ok)
                    let body = try JSONDecoder().decode(EventResponse.self, from: Data(buffer: response.body))
                    #expect(body.started.map(\.flow) == ["flight-notifications", "itinerary"])
                    #expect(body.started.map(\.created) == [expectedCreated, expectedCreated])
                    ids += body.started.map(\.instance)
                }
            }
            #expect(Set(ids).count == 2)
            // Without a key nothing starts; acme's key may not act for another agency.
            let trip = ByteBuffer(string: F.tripJSON("T-8"))
            try await client.execute(uri: "/events/trip.created", method: .post, body: trip) {
                #expect($0.status == .unauthorized)
            }
            try await client.execute(
                uri: "/events/trip.created?agency=patagonia", method: .post, headers: headers,
                body: ByteBuffer(string: F.tripJSON("T-8"))
            ) { #expect($0.status == .forbidden) }
            try await client.execute(
                uri: "/events/trip.created", method: .post, headers: headers, body: ByteBuffer(string: "{nope")
            ) {
                #expect($0.status == .badRequest)
            }
            try await client.execute(
                uri: "/events/trip.created", method: .post, headers: headers, body: ByteBuffer(string: "{}")
            ) {
                #expect($0.status == .unprocessableContent)
            }
        }
        let store = try await SQLiteFlowStore.open(.file(path: path), migrate: false)
        let stored = try await store.instances(matching: InstanceFilter(flow: "flight-notifications"))
        #expect(stored.map(\.agencyID) == ["acme"])
        #expect(try await store.trip(id: "T-7")?.agencyID == "acme")
        try await store.close()
    }
}
