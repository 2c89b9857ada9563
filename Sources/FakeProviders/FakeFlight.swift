public import FlowEngine

/// Builds AeroAPI Flight objects with every key the contract requires (nulls included).
public struct FakeFlight: Sendable {
    public var ident: String
    public var faFlightID: String
    public var origin: (iata: String, icao: String, zone: String?)
    public var destination: (iata: String, icao: String, zone: String?)
    public var scheduledOut: Instant
    public var blockTime: TimeSpan
    public var status = "Scheduled"
    public var estimatedOut: Instant?
    public var actualOut: Instant?
    public var estimatedIn: Instant?
    public var actualIn: Instant?
    public var gateOrigin: String?
    public var gateDestination: String?
    public var terminalOrigin: String?
    public var terminalDestination: String?
    public var cancelled = false
    public var diverted = false
    public var progressPercent: Int? = 0

    public init(
        ident: String, faFlightID: String, origin: (iata: String, icao: String, zone: String?),
        destination: (iata: String, icao: String, zone: String?), scheduledOut: Instant, blockTime: TimeSpan = .hours(2)
    ) {
        self.ident = ident
        self.faFlightID = faFlightID
        self.origin = origin
        self.destination = destination
        self.scheduledOut = scheduledOut
        self.blockTime = blockTime
    }

    /// The Flight object, as `GET /flights/{ident}` returns it.
    public var value: Value {
        func t(_ i: Instant?) -> Value { i.map { .string($0.iso8601) } ?? .null }
        func airport(_ a: (iata: String, icao: String, zone: String?)) -> Value {
            [
                "code": .string(a.icao), "code_icao": .string(a.icao), "code_iata": .string(a.iata), "code_lid": .null,
                "timezone": a.zone.map(Value.string) ?? .null, "name": .string("\(a.iata) airport"),
                "city": .string("\(a.iata) city"),
                "airport_info_url": .string("/airports/\(a.icao)"),
            ]
        }
        let scheduledIn = scheduledOut + blockTime
        let departureDelay: Value = (actualOut ?? estimatedOut).map { .number(Double(($0 - scheduledOut).milliseconds / 1000)) } ?? 0
        let arrivalDelay: Value = (actualIn ?? estimatedIn).map { .number(Double(($0 - scheduledIn).milliseconds / 1000)) } ?? 0
        return .object([
            "ident": .string(ident), "ident_icao": .string(ident), "ident_iata": .string(ident),
            "fa_flight_id": .string(faFlightID), "operator": .null, "operator_iata": .null, "operator_icao": .null,
            "flight_number": .null, "registration": .null, "atc_ident": .null, "inbound_fa_flight_id": .null,
            "codeshares": .array([]), "codeshares_iata": .array([]), "blocked": false, "diverted": .bool(diverted),
            "cancelled": .bool(cancelled), "position_only": false, "origin": airport(origin),
            "destination": airport(destination), "departure_delay": departureDelay, "arrival_delay": arrivalDelay,
            "filed_ete": .number(Double(blockTime.milliseconds / 1000)),
            "progress_percent": progressPercent.map { .number(Double($0)) } ?? .null, "status": .string(status),
            "aircraft_type": "A320", "route_distance": .null, "filed_airspeed": .null, "filed_altitude": .null,
            "route": .null, "baggage_claim": .null, "seats_cabin_business": .null, "seats_cabin_coach": .null,
            "seats_cabin_first": .null, "gate_origin": gateOrigin.map(Value.string) ?? .null,
            "gate_destination": gateDestination.map(Value.string) ?? .null,
            "terminal_origin": terminalOrigin.map(Value.string) ?? .null,
            "terminal_destination": terminalDestination.map(Value.string) ?? .null, "type": "Airline",
            "foresight_predictions_available": false,
            "scheduled_out": t(scheduledOut), "estimated_out": t(estimatedOut ?? scheduledOut), "actual_out": t(actualOut),
            "scheduled_off": t(scheduledOut + .minutes(15)), "estimated_off": t((estimatedOut ?? scheduledOut) + .minutes(15)),
            "actual_off": t(actualOut.map { $0 + .minutes(15) }),
            "scheduled_on": t(scheduledIn - .minutes(10)), "estimated_on": t((estimatedIn ?? scheduledIn) - .minutes(10)),
            "actual_on": t(actualIn.map { $0 - .minutes(10) }),
            "scheduled_in": t(scheduledIn), "estimated_in": t(estimatedIn ?? scheduledIn), "actual_in": t(actualIn),
        ])
    }
}
