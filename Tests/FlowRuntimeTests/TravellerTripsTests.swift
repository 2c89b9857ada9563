import FlowEngine
import FlowRuntime
import Travel
import Testing

/// `TravellerTrips.choose`: the active or nearest upcoming trip, never the furthest one.
@Suite("Traveller trips")
struct TravellerTripsTests {
    static let now = Instant(iso8601: "2026-07-08T12:00:00Z")!

    static func trip(_ id: String, _ hoursFromNow: Int64, flight: String = "AR1140") -> TripRecord {
        TripRecord(id: id, agencyID: nil, clientName: "Ana", whatsapp: "+5491155550000", flightNumber: flight,
                   origin: "EZE", destination: "MAD", departureAt: now + .hours(hoursFromNow), updatedAt: now)
    }

    static let cases: [(name: String, trips: [TripRecord], hint: String?, expected: [String], several: Bool)] = [
        ("nothing booked", [], nil, [], false),
        ("only trips long gone", [trip("old", -24 * 10)], nil, [], false),
        ("the nearest upcoming, not the furthest", [trip("far", 24 * 90), trip("near", 24 * 5), trip("mid", 24 * 30)],
         nil, ["near"], false),
        ("an active trip (departed 2 days ago) before an upcoming one in 5 days",
         [trip("next", 24 * 5), trip("now", -48)], nil, ["now"], false),
        ("a trip departed 4 days ago is no longer active", [trip("past", -24 * 4), trip("next", 24 * 5)], nil,
         ["next"], false),
        ("two trips within 24h: several, by departure", [trip("b", 30, flight: "AR1662"), trip("a", 10)], nil,
         ["a", "b"], true),
        ("two trips within 24h, the message names one", [trip("b", 30, flight: "AR1662"), trip("a", 10)],
         "el ar 1662 por favor", ["b"], false),
        ("two trips within 24h, the message names both", [trip("b", 30), trip("a", 10)], "AR1140", ["a", "b"], true),
    ]

    @Test("choice", arguments: cases)
    func choice(name: String, trips: [TripRecord], hint: String?, expected: [String], several: Bool) {
        switch TravellerTrips.choose(trips, now: Self.now, hint: hint) {
        case .none: #expect(expected.isEmpty, "\(name)")
        case .one(let trip): #expect([trip.id] == expected && !several, "\(name)")
        case .several(let trips): #expect(trips.map(\.id) == expected && several, "\(name)")
        }
    }

    @Test("a trip value has the booking fields, documents and a Spanish summary in the origin's local time")
    func value() {
        let value = TravellerTrips.value(Self.trip("t", 14))
        #expect(value["departure"] == .instant(Self.now + .hours(14)))
        #expect(value["documents"] == [])
        #expect(value["summary"] == "AR1140 EZE → MAD, Mié 8 Jul 23:00 hs (EZE)")
    }
}
