import FlowEngine
import FlowRuntime
import Travel
import Testing

/// Checks of the atomic claim with caps (`NotificationLog.claimNotification(_:caps:)`): what it
/// counts, what it writes, and that racing claims never exceed a cap.
enum NotificationCapChecks {
    typealias F = StoreFixtures

    static func claim(trip: String, agency: String?, key: String, at: Instant = F.t0) -> NotificationClaim {
        NotificationClaim(
            tripID: trip, agencyID: agency, type: "REMINDER_24H", key: key, instanceID: nil, to: "+5491155550000",
            template: "recordatorio_24h", variables: ["1": "Ana"], at: at)
    }

    /// One store, in order: claimed up to the cap, then suppressed with the reason (written in the
    /// row), duplicates answered without counting, uncounted rows freeing their place, windows.
    static func capsInOrder(_ harness: TravelStoreHarness) async throws {
        try await harness.withStore { store in
            let trip = F.uniqueID("trip")
            let agency = F.uniqueID("agency")
            let perTrip = NotificationCaps(perTripPerDay: 2)
            #expect(try await store.claimNotification(claim(trip: trip, agency: agency, key: "a"), caps: perTrip) == .claimed)
            #expect(try await store.claimNotification(claim(trip: trip, agency: agency, key: "a"), caps: perTrip) == .duplicate)
            #expect(try await store.claimNotification(claim(trip: trip, agency: agency, key: "b"), caps: perTrip) == .claimed)
            let third = try await store.claimNotification(claim(trip: trip, agency: agency, key: "c"), caps: perTrip)
            #expect(third == .suppressed(reason: "cap per_trip_per_day 2 reached"))
            let row = try await store.notification(tripID: trip, type: "REMINDER_24H", key: "c")
            #expect(row?.status == "suppressed")
            #expect(row?.error == "cap per_trip_per_day 2 reached")
            // The suppressed row is not counted; a duplicate of it stays as it is.
            #expect(try await store.countNotifications(tripID: trip, agencyID: nil, since: F.t0) == 2)
            #expect(try await store.claimNotification(claim(trip: trip, agency: agency, key: "c"), caps: .none) == .duplicate)
            // A failed send gives its place back.
            try await store.updateNotification(
                tripID: trip, type: "REMINDER_24H", key: "b", status: "failed", providerID: nil, error: "twilio.21211")
            #expect(try await store.claimNotification(claim(trip: trip, agency: agency, key: "d"), caps: perTrip) == .claimed)
            // The day's window: a day later the trip may receive again.
            let later = F.t0 + .days(1) + .seconds(1)
            #expect(try await store.claimNotification(
                claim(trip: trip, agency: agency, key: "e", at: later), caps: perTrip) == .claimed)

            // The agency's hour and day, across its trips; a claim without an agency has no agency cap.
            let perAgency = NotificationCaps(perAgencyPerHour: 3, perAgencyPerDay: 4)
            let other = F.uniqueID("agency")
            for index in 0..<3 {
                #expect(try await store.claimNotification(
                    claim(trip: F.uniqueID("trip"), agency: other, key: "h\(index)"), caps: perAgency) == .claimed)
            }
            #expect(try await store.claimNotification(
                claim(trip: F.uniqueID("trip"), agency: other, key: "h3"), caps: perAgency)
                == .suppressed(reason: "cap per_agency_per_hour 3 reached"))
            #expect(try await store.claimNotification(
                claim(trip: F.uniqueID("trip"), agency: nil, key: "h4"), caps: perAgency) == .claimed)
            let nextHour = F.t0 + .hours(1) + .seconds(1)
            #expect(try await store.claimNotification(
                claim(trip: F.uniqueID("trip"), agency: other, key: "h5", at: nextHour), caps: perAgency) == .claimed)
            #expect(try await store.claimNotification(
                claim(trip: F.uniqueID("trip"), agency: other, key: "h6", at: nextHour), caps: perAgency)
                == .suppressed(reason: "cap per_agency_per_day 4 reached"))
        }
    }

    /// 24 claims of one agency (a cap of 10 an hour) and 12 of one trip (a cap of 3 a day), each set
    /// racing through 2 stores (connections): exactly the cap claimed, the rest suppressed. (Kept
    /// small for the SQLite file's writers under a full test run, whose busy timeout is 10 s;
    /// `PostgresCapsRaceTests` races 50 and 20 sends through workers.)
    static func capsUnderConcurrency(_ harness: TravelStoreHarness) async throws {
        try await harness.withStores(2) { stores in
            let agency = F.uniqueID("agency")
            let perAgency = NotificationCaps(perAgencyPerHour: 10, perAgencyPerDay: 1_000)
            let agencyOutcomes = try await race(stores, count: 24) { index in
                (claim(trip: F.uniqueID("trip"), agency: agency, key: "k\(index)"), perAgency)
            }
            #expect(agencyOutcomes.filter { $0 == .claimed }.count == 10)
            #expect(agencyOutcomes.filter { $0 == .suppressed(reason: "cap per_agency_per_hour 10 reached") }.count == 14)
            #expect(try await stores[0].countNotifications(tripID: nil, agencyID: agency, since: F.t0) == 10)

            let trip = F.uniqueID("trip")
            let perTrip = NotificationCaps(perTripPerDay: 3, perAgencyPerHour: 1_000)
            let tripOutcomes = try await race(stores, count: 12) { index in
                (claim(trip: trip, agency: F.uniqueID("agency"), key: "k\(index)"), perTrip)
            }
            #expect(tripOutcomes.filter { $0 == .claimed }.count == 3)
            #expect(tripOutcomes.filter { $0 == .suppressed(reason: "cap per_trip_per_day 3 reached") }.count == 9)
            #expect(try await stores[0].countNotifications(tripID: trip, agencyID: nil, since: F.t0) == 3)
        }
    }

    /// Claims racing with repeats of their own keys (a store that groups claims writes them in one
    /// batch): 6 keys of one trip, each claimed twice at once, under a cap of 4 a day, and 6 more keys
    /// of another trip with no cap: each key claimed once, exactly 4 of the capped ones, the repeats
    /// duplicates, and the stored rows say the same.
    static func racingRepeats(_ harness: TravelStoreHarness) async throws {
        try await harness.withStores(2) { stores in
            let (capped, free) = (F.uniqueID("trip"), F.uniqueID("trip"))
            let perTrip = NotificationCaps(perTripPerDay: 4)
            let outcomes = try await race(stores, count: 24) { index in
                index < 12
                    ? (claim(trip: capped, agency: nil, key: "k\(index % 6)"), perTrip)
                    : (claim(trip: free, agency: nil, key: "k\(index % 6)"), .none)
            }
            #expect(outcomes.filter { $0 == .claimed }.count == 10)
            #expect(outcomes.filter { $0 == .suppressed(reason: "cap per_trip_per_day 4 reached") }.count == 2)
            #expect(outcomes.filter { $0 == .duplicate }.count == 12)
            #expect(try await stores[0].countNotifications(tripID: capped, agencyID: nil, since: F.t0) == 4)
            #expect(try await stores[0].countNotifications(tripID: free, agencyID: nil, since: F.t0) == 6)
        }
    }

    /// Racing claims whose windows start a few milliseconds apart each count from their own start:
    /// an agency has claims at t0, t0 + 1 ms and t0 + 2 ms (cap 3 an hour); two claims an hour
    /// after t0 count all three and are suppressed, four an hour after t0 + 2 ms count one, so
    /// exactly two of them are claimed, whatever the order.
    static func racingWindows(_ harness: TravelStoreHarness) async throws {
        try await harness.withStores(2) { stores in
            let agency = F.uniqueID("agency")
            let perHour = NotificationCaps(perAgencyPerHour: 3)
            for offset in 0..<3 {
                let at = F.t0 + TimeSpan(milliseconds: Int64(offset))
                #expect(try await stores[0].claimNotification(
                    claim(trip: F.uniqueID("trip"), agency: agency, key: "stored", at: at), caps: perHour) == .claimed)
            }
            let outcomes = try await race(stores, count: 6) { index in
                let at = F.t0 + .hours(1) + TimeSpan(milliseconds: index < 2 ? 0 : 2)
                return (claim(trip: F.uniqueID("trip"), agency: agency, key: "k\(index)", at: at), perHour)
            }
            #expect(outcomes.filter { $0 == .claimed }.count == 2)
            #expect(outcomes.filter { $0 == .suppressed(reason: "cap per_agency_per_hour 3 reached") }.count == 4)
        }
    }

    private static func race(
        _ stores: [any TravelStore], count: Int,
        _ make: @escaping @Sendable (Int) -> (NotificationClaim, NotificationCaps)
    ) async throws -> [NotificationClaimOutcome] {
        try await withThrowingTaskGroup(of: NotificationClaimOutcome.self) { group in
            for index in 0..<count {
                let store = stores[index % stores.count]
                group.addTask {
                    let (claim, caps) = make(index)
                    return try await store.claimNotification(claim, caps: caps)
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
    }
}
