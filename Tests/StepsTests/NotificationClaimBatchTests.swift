import FlowEngine
import Testing
import Travel

/// The verdicts on claims written together (`NotificationClaimBatch.verdicts`): each as if made
/// alone after the ones before it.
@Suite struct NotificationClaimBatchTests {
    let t0 = Instant(epochMilliseconds: 1_780_000_000_000)

    func claim(trip: String = "T1", agency: String? = "A1", key: String, at offset: TimeSpan = .zero) -> NotificationClaim {
        NotificationClaim(tripID: trip, agencyID: agency, type: "REMINDER_24H", key: key, instanceID: nil,
                          to: "+5491155550000", template: "recordatorio_24h", variables: [:], at: t0 + offset)
    }

    @Test func theBatchsOwnEarlierClaimsCountTowardTheCap() {
        let caps = NotificationCaps(perTripPerDay: 3)
        let entries = (0..<5).map {
            NotificationClaimBatch.Entry(claim: claim(key: "k\($0)"), caps: caps, exists: false, tripDay: 1)
        }
        #expect(NotificationClaimBatch.verdicts(entries) == [
            .claimed, .claimed, .suppressed(reason: "cap per_trip_per_day 3 reached"),
            .suppressed(reason: "cap per_trip_per_day 3 reached"), .suppressed(reason: "cap per_trip_per_day 3 reached"),
        ])
    }

    @Test func repeatsAndStoredKeysAreDuplicatesAndCountNothing() {
        let caps = NotificationCaps(perAgencyPerHour: 2)
        let entries = [
            NotificationClaimBatch.Entry(claim: claim(key: "a"), caps: caps, exists: true),
            NotificationClaimBatch.Entry(claim: claim(key: "b"), caps: caps, exists: false),
            NotificationClaimBatch.Entry(claim: claim(key: "b"), caps: caps, exists: false),
            NotificationClaimBatch.Entry(claim: claim(trip: "T2", key: "c"), caps: caps, exists: false),
            NotificationClaimBatch.Entry(claim: claim(trip: "T3", key: "d"), caps: caps, exists: false),
        ]
        #expect(NotificationClaimBatch.verdicts(entries) == [
            .duplicate, .claimed, .duplicate, .claimed, .suppressed(reason: "cap per_agency_per_hour 2 reached"),
        ])
    }

    @Test func anEarlierClaimCountsOnlyInsideTheLaterOnesWindow() {
        let caps = NotificationCaps(perAgencyPerHour: 1, perAgencyPerDay: 10)
        // The second claim is 61 minutes after the first: outside its hour, inside its day.
        let entries = [
            NotificationClaimBatch.Entry(claim: claim(trip: "T1", key: "a"), caps: caps, exists: false),
            NotificationClaimBatch.Entry(claim: claim(trip: "T2", key: "b", at: .minutes(61)), caps: caps, exists: false),
            NotificationClaimBatch.Entry(claim: claim(trip: "T3", key: "c", at: .minutes(62)), caps: caps, exists: false),
        ]
        #expect(NotificationClaimBatch.verdicts(entries) == [
            .claimed, .claimed, .suppressed(reason: "cap per_agency_per_hour 1 reached"),
        ])
    }

    @Test func suppressedClaimsDoNotCountAndOtherAgenciesAreApart() {
        let caps = NotificationCaps(perAgencyPerDay: 1)
        let entries = [
            NotificationClaimBatch.Entry(claim: claim(trip: "T1", key: "a"), caps: caps, exists: false, agencyDay: 1),
            NotificationClaimBatch.Entry(claim: claim(trip: "T2", agency: "A2", key: "b"), caps: caps, exists: false),
            NotificationClaimBatch.Entry(claim: claim(trip: "T3", agency: "A2", key: "c"), caps: caps, exists: false),
            NotificationClaimBatch.Entry(claim: claim(trip: "T4", agency: nil, key: "d"), caps: .none, exists: false),
        ]
        #expect(NotificationClaimBatch.verdicts(entries) == [
            .suppressed(reason: "cap per_agency_per_day 1 reached"), .claimed,
            .suppressed(reason: "cap per_agency_per_day 1 reached"), .claimed,
        ])
    }

    @Test func aStoredWindowCountsFromEachStart() {
        let window = NotificationClaimBatch.StoredWindow(
            fromLatest: 5, earlier: [t0, t0 + TimeSpan(milliseconds: 1), t0 + TimeSpan(milliseconds: 1)])
        #expect(window.count(since: t0) == 8)
        #expect(window.count(since: t0 + TimeSpan(milliseconds: 1)) == 7)
        #expect(window.count(since: t0 + TimeSpan(milliseconds: 2)) == 5)
    }
}
