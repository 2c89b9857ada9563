import FlowEngine
@testable import FlowRuntime
import FlowStoreConformance
import Foundation
import PostgresNIO
import SQLiteNIO
import Testing
import Travel

/// Retention purges what is due and nothing else, and an erasure leaves no trace of the traveller
/// outside its audit entry: on memory, SQLite (file and `:memory:`) and PostgreSQL (when
/// `FLOW_TEST_POSTGRES_URL` is set).
@Suite struct RetentionErasureTests {
    /// One backend: the runtime's store, its removal and audit, the travel store, and (SQL only) a scan
    /// of every table for a text, answering the tables holding it.
    struct Backend: Sendable {
        var flow: any FlowStore
        var removal: any InstanceRemoval & ErasureLog
        var travel: any TravelStore
        var records: any PersonalRecords
        /// Whether the travel store sees the runtime's instances (the SQL stores share one database).
        var sharesDatabase: Bool
        var scan: (@Sendable (String) async throws -> [String])?

        var erasure: TravellerErasure {
            TravellerErasure(store: flow, removal: removal, log: removal, records: records)
        }
    }

    typealias Check = @Sendable (Backend) async throws -> Void

    static func onMemory(_ check: Check) async throws {
        let store = InMemoryFlowStore()
        let travel = InMemoryTravelStore()
        try await check(Backend(
            flow: store, removal: store, travel: travel, records: TravelPersonalRecords(store: travel), sharesDatabase: false))
    }

    static func onSQLite(_ harness: StoreHarness<SQLStore>, _ check: @escaping Check) async throws {
        try await harness.withStore { store in
            let sqlite = store as! SQLiteFlowStore
            try await check(Backend(
                flow: sqlite, removal: sqlite, travel: sqlite, records: TravelPersonalRecords(store: sqlite), sharesDatabase: true
            ) { needle in
                try await Self.scan(sqlite, for: needle)
            })
        }
    }

    static func onPostgres(_ check: @escaping Check) async throws {
        try await #require(Harnesses.postgres).withStore { store in
            let postgres = store as! PostgresFlowStore
            try await check(Backend(
                flow: postgres, removal: postgres, travel: postgres, records: TravelPersonalRecords(store: postgres),
                sharesDatabase: true
            ) { needle in
                try await Self.scan(postgres, for: needle)
            })
        }
    }

    // MARK: Retention

    @Test func retentionOnMemory() async throws { try await Self.onMemory(Self.retention) }
    @Test func retentionOnSQLiteMemory() async throws { try await Self.onSQLite(Harnesses.sqliteMemory, Self.retention) }
    @Test func retentionOnSQLiteFile() async throws { try await Self.onSQLite(Harnesses.sqliteFile, Self.retention) }
    @Test(.enabled(if: Harnesses.postgresURL != nil, "FLOW_TEST_POSTGRES_URL is not set"))
    func retentionOnPostgres() async throws { try await Self.onPostgres(Self.retention) }

    static let now = StoreFixtures.t0 + .days(400)

    /// Records a millisecond either side of each cutoff; running instances as old as the oldest.
    static let retention: Check = { backend in
        let instancesCutoff = now - .days(90)
        let before = instancesCutoff - TimeSpan(milliseconds: 1)
        let after = instancesCutoff + TimeSpan(milliseconds: 1)
        func instance(_ id: String, _ status: InstanceStatus, updated: Instant) async throws {
            var record = StoreFixtures.instance(id: id, status: status, wakeAt: nil)
            record.createdAt = updated
            record.updatedAt = updated
            try await StoreFixtures.create(record, in: backend.flow, history: [StoreFixtures.entry("state_entered", at: updated)])
            _ = try await backend.flow.beginEffect(EffectRecord(
                key: "\(id)/send", instanceID: id, step: "twilio.send_text", request: ["to": "+5491100000000"],
                startedAt: updated))
        }
        let ids = (0..<3).map { _ in StoreFixtures.uniqueID("old") }
        for id in ids { try await instance(id, .succeeded, updated: before) }
        let fresh = StoreFixtures.uniqueID("fresh")
        try await instance(fresh, .failed, updated: after)
        let running = StoreFixtures.uniqueID("running")
        try await instance(running, .running, updated: before - .days(300))
        let waiting = StoreFixtures.uniqueID("waiting")
        try await instance(waiting, .waiting, updated: before - .days(300))

        // Bounded batches: two, then the last one, then nothing.
        #expect(try await backend.removal.purgeFinishedInstances(updatedBefore: instancesCutoff, limit: 2).instances == 2)
        let last = try await backend.removal.purgeFinishedInstances(updatedBefore: instancesCutoff, limit: 2)
        #expect(last == RemovedInstances(instances: 1, timelineEntries: 1, effects: 1))
        #expect(try await backend.removal.purgeFinishedInstances(updatedBefore: instancesCutoff, limit: 2).instances == 0)
        for id in ids {
            #expect(try await backend.flow.instance(id: id) == nil)
            #expect(try await backend.flow.history(instanceID: id, after: 0).isEmpty)
        }
        // The recent finished one, and running and waiting ones of any age, stay with their ledger rows.
        for id in [fresh, running, waiting] {
            #expect(try await backend.flow.instance(id: id) != nil)
            #expect(try await backend.flow.history(instanceID: id, after: 0).count == 1)
            let again = try await backend.flow.beginEffect(EffectRecord(
                key: "\(id)/send", instanceID: id, step: "twilio.send_text", request: [:], startedAt: now))
            #expect(again != .started, "the ledger row of \(id) is still there")
        }

        // Conversations (180 days) and the notification log (400 days), through the retention service.
        let trip = StoreFixtures.uniqueID("trip")
        try await backend.travel.upsertTrip(TripRecord(
            id: trip, agencyID: "agency-1", clientName: "Ana", whatsapp: "+5491155550000", flightNumber: "AR1140",
            origin: "EZE", destination: "MAD", departureAt: StoreFixtures.t0, updatedAt: StoreFixtures.t0))
        let turnsCutoff = now - .days(180)
        for (message, at) in [("old", turnsCutoff - TimeSpan(milliseconds: 1)), ("new", turnsCutoff + TimeSpan(milliseconds: 1))] {
            try await backend.travel.appendConversation(ConversationTurn(
                tripID: trip, agencyID: "agency-1", sender: .user, message: message, intent: nil, providerID: nil, at: at))
        }
        let logCutoff = now - .days(400)
        func claim(_ key: String, at: Instant, instance: String?) async throws {
            var claim = StoreFixtures.claim(trip: trip, key: key)
            claim.at = at
            claim.instanceID = instance
            #expect(try await backend.travel.claimNotification(claim))
        }
        try await claim("old", at: logCutoff - TimeSpan(milliseconds: 1), instance: nil)
        try await claim("old-of-running", at: logCutoff - TimeSpan(milliseconds: 1), instance: running)
        try await claim("new", at: logCutoff + TimeSpan(milliseconds: 1), instance: nil)
        // Documents (90 days after the trip departed; filed without a trip: after they were received).
        let documentsCutoff = now - .days(90)
        for (id, at) in [("old", documentsCutoff - TimeSpan(milliseconds: 1)), ("new", documentsCutoff + TimeSpan(milliseconds: 1))] {
            #expect(try await backend.travel.recordDocument(TripDocument(
                id: "\(trip)-\(id)", tripID: nil, agencyID: "agency-1", phone: "+5491155550000", type: .image,
                name: id, url: "https://example.com/\(id).jpg", contentType: "image/jpeg", source: .whatsapp,
                receivedAt: at)))
        }
        let service = RetentionService(
            policy: RetentionPolicy(batch: 1), kinds: [.instances(backend.removal)] + TravelRetention.kinds(backend.travel),
            clock: { now })
        let purged = try await service.purgeOnce()
        let expectedLog = backend.sharesDatabase ? 1 : 2
        #expect(purged == ["instances": 0, "conversations": 1, "notification_log": expectedLog, "documents": 1])
        #expect(try await backend.travel.document(id: "\(trip)-old") == nil)
        #expect(try await backend.travel.document(id: "\(trip)-new") != nil)
        #expect(try await backend.travel.conversation(tripID: trip, limit: 10).map(\.message) == ["new"])
        #expect(try await backend.travel.notification(tripID: trip, type: "REMINDER_24H", key: "old") == nil)
        #expect(try await backend.travel.notification(tripID: trip, type: "REMINDER_24H", key: "new") != nil)
        if backend.sharesDatabase {
            // The claim of a running instance is its `notify.send` deduplication: kept, however old.
            #expect(try await backend.travel.notification(tripID: trip, type: "REMINDER_24H", key: "old-of-running") != nil)
        }
        #expect(try await service.purgeOnce() == ["instances": 0, "conversations": 0, "notification_log": 0, "documents": 0])
    }

    @Test("retention settings: defaults, ages by kind, off; unknown kinds refused")
    func retentionPolicy() throws {
        let removal = InMemoryFlowStore()
        let kinds = [RetentionKind.instances(removal)] + TravelRetention.kinds(InMemoryTravelStore())
        let standard = RetentionPolicy()
        #expect(kinds.map { standard.age(of: $0) } == [.days(90), .days(180), .days(400), .days(90)])
        let configured = try RetentionPolicy.fromEnvironment([
            "FLOW_RETENTION": "instances=30d, notification_log=off", "FLOW_RETENTION_INTERVAL": "15m",
            "FLOW_RETENTION_BATCH": "100",
        ])
        #expect(kinds.map { configured.age(of: $0) } == [.days(30), .days(180), nil, .days(90)])
        #expect(configured.interval == .minutes(15) && configured.batch == 100)
        try configured.check(known: kinds)
        let off = try RetentionPolicy.fromEnvironment(["FLOW_RETENTION": "off"])
        #expect(kinds.allSatisfy { off.age(of: $0) == nil })
        let typo = try RetentionPolicy.fromEnvironment(["FLOW_RETENTION": "conversation=10d"])
        #expect(throws: RetentionPolicy.SettingError.self) { try typo.check(known: kinds) }
        #expect(throws: RetentionPolicy.SettingError.self) {
            try RetentionPolicy.fromEnvironment(["FLOW_RETENTION": "instances=soon"])
        }
    }

    // MARK: Erasure

    @Test func erasureOnMemory() async throws { try await Self.onMemory(Self.erasure) }
    @Test func erasureOnSQLiteMemory() async throws { try await Self.onSQLite(Harnesses.sqliteMemory, Self.erasure) }
    @Test func erasureOnSQLiteFile() async throws { try await Self.onSQLite(Harnesses.sqliteFile, Self.erasure) }
    @Test(.enabled(if: Harnesses.postgresURL != nil, "FLOW_TEST_POSTGRES_URL is not set"))
    func erasureOnPostgres() async throws { try await Self.onPostgres(Self.erasure) }

    static let phone = "+5491155557391"
    static let name = "Valentina Quiroga-Erasure"

    /// An erasure leaves no trace of the traveller outside the audit entry: a trip, conversation,
    /// itinerary, notification log (sent and inbound), profile and a finished instance with the phone in
    /// its context, timeline and effect ledger are seeded beside another traveller's; a running instance
    /// about the traveller first makes the erasure refuse (nothing erased); once it is gone, the erasure
    /// runs and a scan of every table finds neither the phone nor the name.
    static let erasure: Check = { backend in
        let agency = "agency-1"
        let trip = StoreFixtures.uniqueID("trip")
        let otherTrip = StoreFixtures.uniqueID("trip")
        let finished = StoreFixtures.uniqueID("finished")
        let otherRunning = StoreFixtures.uniqueID("running")
        try await backend.travel.upsertTrip(TripRecord(
            id: trip, agencyID: agency, clientName: name, whatsapp: phone, flightNumber: "AR1140", origin: "EZE",
            destination: "MAD", departureAt: StoreFixtures.t0, notes: "ventanilla para \(name)",
            instanceID: finished, updatedAt: StoreFixtures.t0))
        try await backend.travel.upsertTrip(TripRecord(
            id: otherTrip, agencyID: agency, clientName: "Otro Viajero", whatsapp: "+5491100000001",
            flightNumber: "AR1141", origin: "EZE", destination: "BCN", departureAt: StoreFixtures.t0,
            instanceID: otherRunning, updatedAt: StoreFixtures.t0))
        for t in [trip, otherTrip] {
            try await backend.travel.appendConversation(ConversationTurn(
                tripID: t, agencyID: agency, sender: .user, message: t == trip ? "Hola, soy \(name)" : "Hola",
                intent: nil, providerID: nil, at: StoreFixtures.t0))
        }
        _ = try await backend.travel.saveItinerary(ItineraryDraft(
            tripID: trip, agencyID: agency, instanceID: finished, itinerary: ["traveller": .string(name)],
            rawPrompt: "Itinerario para \(name)", at: StoreFixtures.t0))
        #expect(try await backend.travel.claimNotification(NotificationClaim(
            tripID: trip, agencyID: agency, type: "REMINDER_24H", key: "k", instanceID: finished, to: phone,
            template: "recordatorio_24h", variables: ["1": .string(name)], at: StoreFixtures.t0)))
        #expect(try await backend.travel.claimNotification(NotificationClaim(
            tripID: "inbound:whatsapp:" + phone, agencyID: nil, type: "whatsapp.inbound", key: "SM" + trip,
            instanceID: nil, to: "whatsapp:+14155238886", template: "whatsapp.inbound",
            variables: ["From": .string("whatsapp:" + phone), "Body": .string("soy \(name)")], at: StoreFixtures.t0)))
        #expect(try await backend.travel.claimNotification(StoreFixtures.claim(trip: otherTrip)))
        // Documents: one of the trip, one sent from the number without a trip.
        for (index, tripID) in [trip, nil].enumerated() {
            #expect(try await backend.travel.recordDocument(TripDocument(
                id: "\(trip)-doc-\(index)", tripID: tripID, agencyID: agency, phone: phone, type: .passport,
                name: "Pasaporte de \(name)", url: "https://example.com/\(index).pdf", contentType: "application/pdf",
                source: .whatsapp, messageSid: "SM\(trip)", mediaIndex: index, receivedAt: StoreFixtures.t0)))
        }
        try await backend.travel.savePreferences(StoredPreferences(
            agencyID: agency, userID: phone, document: ["name": .string(name)], updatedAt: StoreFixtures.t0,
            updatedBy: nil))
        let context = #"{"input":{"trip":{"client_name":"\#(name)","whatsapp":"\#(phone)"}}}"#
        var record = StoreFixtures.instance(id: finished, status: .succeeded, wakeAt: nil, agencyID: agency, state: context)
        record.updatedAt = StoreFixtures.t0
        try await StoreFixtures.create(record, in: backend.flow, history: [
            StoreFixtures.entry("step_called", ["input": ["to": .string(phone), "body": .string("Hola \(name)")]]),
            StoreFixtures.entry("message_sent", ["to": .string(phone)]),
        ])
        _ = try await backend.flow.beginEffect(EffectRecord(
            key: finished + "/send", instanceID: finished, step: "twilio.send_text",
            request: ["to": .string(phone), "body": .string("Hola \(name)")], startedAt: StoreFixtures.t0))
        try await backend.flow.completeEffect(key: finished + "/send", status: .done, result: ["sid": "SM1"], providerID: "SM1")
        try await StoreFixtures.create(StoreFixtures.instance(
            id: otherRunning, status: .waiting, agencyID: agency, state: #"{"whatsapp":"+5491100000001"}"#), in: backend.flow)

        // A running instance about the traveller: refused, naming it; nothing erased.
        let blocking = StoreFixtures.uniqueID("blocking")
        try await StoreFixtures.create(StoreFixtures.instance(
            id: blocking, status: .running, agencyID: agency, state: #"{"to":"\#(phone)"}"#), in: backend.flow)
        let refused = try await backend.erasure.erase(.phone(phone), agency: agency, by: "ops-key", at: now)
        #expect(refused == .running([blocking]))
        #expect(try await backend.travel.trip(id: trip) != nil)
        #expect(try await backend.flow.instance(id: finished) != nil)
        #expect(try await backend.removal.erasures(agency: agency, limit: 10).isEmpty)

        // Once it has ended (here: it is gone), the erasure runs.
        _ = try await backend.removal.removeFinishedInstances(ids: [blocking])  // running: left alone
        #expect(try await backend.flow.instance(id: blocking) != nil)
        try await finish(blocking, in: backend.flow)
        guard case .erased(let audit) = try await backend.erasure.erase(.phone(phone), agency: agency, by: "ops-key", at: now)
        else { Issue.record("the erasure was refused"); return }
        #expect(audit.counts == [
            "trips": 1, "conversations": 1, "itineraries": 1, "documents": 2, "notification_log": 2, "profiles": 1,
            "instances": 2,
            "timeline_entries": 2, "effects": 1,
        ])
        #expect(audit.subject == "phone" && audit.agencyID == agency && audit.erasedBy == "ops-key")
        #expect(try await backend.removal.erasures(agency: agency, limit: 10) == [audit])
        #expect(try await backend.removal.erasures(agency: "agency-2", limit: 10).isEmpty)

        // The other traveller's records and running instance are untouched.
        #expect(try await backend.travel.trip(id: otherTrip) != nil)
        #expect(try await backend.travel.conversation(tripID: otherTrip, limit: 10).count == 1)
        #expect(try await backend.travel.notification(tripID: otherTrip, type: "REMINDER_24H", key: "default")?.status == "claimed")
        #expect(try await backend.flow.instance(id: otherRunning)?.status == .waiting)
        // The anonymised log row stays (caps, statistics) without the traveller.
        #expect(try await backend.travel.notification(tripID: trip, type: "REMINDER_24H", key: "k") != nil)
        #expect(try await backend.travel.trips(whatsapp: phone).isEmpty)
        #expect(try await backend.travel.preferences(agencyID: agency, userID: phone) == nil)

        if let scan = backend.scan {
            let phoneHits = try await scan(phone)
            let nameHits = try await scan(name)
            print("erasure scan (\(type(of: backend.flow))): phone found in \(phoneHits), name found in \(nameHits)")
            #expect(phoneHits.isEmpty)
            #expect(nameHits.isEmpty)
            #expect(try await scan(audit.id) == ["erasures"])
        }
        // Asking again erases nothing more and is audited again.
        guard case .erased(let again) = try await backend.erasure.erase(.phone(phone), agency: agency, by: nil, at: now)
        else { Issue.record("the second erasure was refused"); return }
        #expect(again.counts.values.allSatisfy { $0 == 0 })
    }

    /// Ends an instance as a worker would: a lease, then a transition to `cancelled` keeping its state.
    static func finish(_ id: String, in store: any FlowStore) async throws {
        let claimed = try await store.claimDue(now: now + .days(1000), owner: "test", leaseFor: .seconds(60), limit: 100)
        #expect(claimed.contains { $0.id == id })
        // The context stays as it was (a cancelled instance still holds its input).
        let state = try #require(try await store.instance(id: id)).state
        try await store.commit(TransitionRecord(
            instanceID: id, status: .cancelled, state: state, wakeAt: nil, history: [], consumedEvents: [], at: now),
            owner: "test")
    }

    @Test func erasureByTripOnSQLite() async throws {
        try await Self.onSQLite(Harnesses.sqliteMemory) { backend in
            let agency = "agency-1"
            let (first, second) = (StoreFixtures.uniqueID("trip"), StoreFixtures.uniqueID("trip"))
            for trip in [first, second] {
                try await backend.travel.upsertTrip(TripRecord(
                    id: trip, agencyID: agency, clientName: Self.name, whatsapp: Self.phone, flightNumber: "AR1140",
                    origin: "EZE", destination: "MAD", departureAt: StoreFixtures.t0, updatedAt: StoreFixtures.t0))
            }
            let finished = StoreFixtures.uniqueID("finished")
            try await StoreFixtures.create(StoreFixtures.instance(
                id: finished, status: .succeeded, agencyID: agency, state: #"{"trip_id":"\#(first)"}"#), in: backend.flow)
            // Another agency's key erases nothing of this agency.
            guard case .erased(let elsewhere) = try await backend.erasure.erase(.trip(first), agency: "agency-2", by: nil, at: Self.now)
            else { Issue.record("refused"); return }
            #expect(elsewhere.counts.values.allSatisfy { $0 == 0 })
            guard case .erased(let audit) = try await backend.erasure.erase(.trip(first), agency: agency, by: nil, at: Self.now)
            else { Issue.record("refused"); return }
            #expect(audit.counts["trips"] == 1 && audit.counts["instances"] == 1 && audit.counts["profiles"] == 0)
            #expect(try await backend.travel.trip(id: first) == nil)
            #expect(try await backend.travel.trip(id: second) != nil)
        }
    }

    // MARK: Scans of every table

    static func scan(_ store: SQLiteFlowStore, for needle: String) async throws -> [String] {
        try await store.read { _ in
            var hits: [String] = []
            let tables = try await store.exec("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
                .map { try SQLiteRowReader($0).string("name") }
            for table in tables {
                let columns = try await store.exec("SELECT name FROM pragma_table_info(?)", [.text(table)])
                    .map { try SQLiteRowReader($0).string("name") }
                guard !columns.isEmpty else { continue }
                let matches = columns.map { "instr(CAST(\"\($0)\" AS TEXT), ?1) > 0" }.joined(separator: " OR ")
                let rows = try await store.exec("SELECT COUNT(*) AS n FROM \"\(table)\" WHERE \(matches)", [.text(needle)])
                if try SQLiteRowReader(rows[0]).int("n") > 0 { hits.append(table) }
            }
            return hits
        }
    }

    static func scan(_ store: PostgresFlowStore, for needle: String) async throws -> [String] {
        var hits: [String] = []
        let tables = try await store.rows(
            "SELECT table_name::text FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY 1"
        ).map { try $0.decode(String.self) }
        for table in tables {
            let rows = try await store.rows(
                "SELECT COUNT(*)::bigint FROM \(unescaped: "\"" + table + "\"") t WHERE strpos(t::text, \(needle)) > 0")
            if try rows[0].decode(Int64.self) > 0 { hits.append(table) }
        }
        return hits
    }
}
