public import FlowEngine
public import FlowRuntime

/// Which trip a traveller's message is about (`trips.for_traveller`), as a pure choice over the
/// trips booked for the number.
///
/// A trip is **active** from its departure until `activeFor` after it, **upcoming** before its
/// departure. The chosen trip is the most recently departed active one, else the nearest
/// upcoming one — never simply the furthest in the future. Every active or upcoming trip
/// departing within `ambiguity` of the chosen one is a candidate too; with more than one
/// candidate the answer is `several`, unless the hint (the message) names exactly one of them by
/// flight number or trip id.
public enum TravellerTrips {
    /// The outcome of a lookup.
    public enum Choice: Sendable, Hashable {
        case none
        case one(TripRecord)
        /// Ordered by departure.
        case several([TripRecord])
    }

    public static let defaultActiveFor: TimeSpan = .days(3)
    public static let defaultAmbiguity: TimeSpan = .hours(24)

    public static func choose(
        _ trips: [TripRecord], now: Instant, hint: String? = nil, activeFor: TimeSpan = defaultActiveFor,
        ambiguity: TimeSpan = defaultAmbiguity
    ) -> Choice {
        let relevant = trips.filter { $0.departureAt >= now - activeFor }
            .sorted { ($0.departureAt, $0.id) < ($1.departureAt, $1.id) }
        let active = relevant.filter { $0.departureAt <= now }
        guard let chosen = active.last ?? relevant.first else { return .none }
        let candidates = relevant.filter { trip in
            let gap = trip.departureAt > chosen.departureAt
                ? trip.departureAt - chosen.departureAt : chosen.departureAt - trip.departureAt
            return gap <= ambiguity
        }
        guard candidates.count > 1 else { return .one(chosen) }
        if let hint {
            let named = candidates.filter { mentions(hint, $0) }
            if named.count == 1 { return .one(named[0]) }
        }
        return .several(candidates)
    }

    /// Whether the text names the trip's flight number ("AR 1662", "ar1662") or its id (as a whole word).
    static func mentions(_ text: String, _ trip: TripRecord) -> Bool {
        let compact = String(text.uppercased().filter { $0.isLetter || $0.isNumber })
        let flight = String(trip.flightNumber.uppercased().filter { $0.isLetter || $0.isNumber })
        let words = text.split { !($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }
        return (!flight.isEmpty && compact.contains(flight)) || words.contains { $0 == trip.id }
    }

    /// A trip as flows see it: the booking fields (`departure` an instant), `documents` (from the
    /// trip's metadata, else an empty list), `metadata`, and `summary`, a Spanish one-line
    /// description ("AR1662 EZE → MAD, Mié 8 Jul 22:05 hs (EZE)") in the origin's local time.
    public static func value(_ trip: TripRecord) -> Value {
        let zone = Airports.lookup(trip.origin).flatMap { ZoneRules(identifier: $0.zone) }
        let when = zone.map { SpanishTimeFormat.human(trip.departureAt, zone: $0, iata: trip.origin) }
            ?? trip.departureAt.description
        func text(_ value: String?) -> Value { value.map(Value.string) ?? .null }
        return .object([
            "id": .string(trip.id), "agency_id": text(trip.agencyID), "client_name": .string(trip.clientName),
            "whatsapp": .string(trip.whatsapp), "flight_number": .string(trip.flightNumber),
            "origin": .string(trip.origin), "destination": .string(trip.destination),
            "departure": .instant(trip.departureAt), "stay": text(trip.stay), "notes": text(trip.notes),
            "language": .string(trip.language), "documents": trip.metadata?["documents"] ?? .array([]),
            "metadata": trip.metadata ?? .null,
            "summary": .string("\(trip.flightNumber) \(trip.origin) → \(trip.destination), \(when)"),
        ])
    }
}
