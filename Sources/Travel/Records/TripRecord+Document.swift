public import FlowEngine
public import FlowRuntime
import Foundation

/// A trip document (a `trip.created` payload's `trip`, a flow's `trip` input) as a `trips` row.
extension TripRecord {
    /// Why a trip document cannot be recorded: which field, and why.
    public struct DocumentError: Error, Sendable, Hashable, CustomStringConvertible {
        public var message: String
        public var description: String { "trip: \(message)" }
    }

    /// Keys with their own column; everything else of the trip goes to `metadata`.
    static var columnKeys: Set<String> {
        ["id", "agency_id", "client_name", "whatsapp", "flight_number", "origin", "destination", "departure",
         "departure_local", "stay", "notes", "language"]
    }

    /// The row for a trip object (`id`, `client_name`, `whatsapp`, `flight_number`, `origin`,
    /// `destination` and `departure` or `departure_local` required; `agency_id` defaults to `agency`).
    public init(trip: Value, agency: String?, instanceID: String?, at now: Instant) throws(DocumentError) {
        guard let object = trip.objectValue else { throw DocumentError(message: "must be an object, got \(trip.typeName)") }
        func text(_ key: String, required: Bool = true) throws(DocumentError) -> String? {
            switch object[key] {
            case .string(let value) where !value.trimmingCharacters(in: .whitespaces).isEmpty:
                return value.trimmingCharacters(in: .whitespaces)
            case nil, .null?, .string?:
                if required { throw DocumentError(message: "missing the required field '\(key)'") }
                return nil
            case let other?:
                throw DocumentError(message: "'\(key)' must be a string, got \(other.typeName)")
            }
        }
        let origin = try text("origin")!.uppercased()
        let destination = try text("destination")!.uppercased()
        for (key, code) in [("origin", origin), ("destination", destination)] where Airports.lookup(code) == nil {
            throw DocumentError(message: "'\(key)' must be the IATA code of a known airport, got '\(code)'")
        }
        let departure = try Self.departure(object, origin: origin)
        let extra = object.filter { !Self.columnKeys.contains($0.key) }
        self.init(
            id: try text("id")!, agencyID: try text("agency_id", required: false) ?? agency,
            clientName: try text("client_name")!, whatsapp: Self.whatsappNumber(try text("whatsapp")!),
            flightNumber: try text("flight_number")!.uppercased(), origin: origin, destination: destination,
            departureAt: departure, stay: try text("stay", required: false), notes: try text("notes", required: false),
            language: try text("language", required: false) ?? "es", metadata: extra.isEmpty ? nil : .object(extra),
            instanceID: instanceID, updatedAt: now)
    }

    /// `departure` (an instant with an offset) or `departure_local` (the origin's wall-clock time,
    /// converted in the origin airport's zone as the flow's `from_local` does: a time in a DST gap
    /// moves forward by the gap, an ambiguous one takes the earlier offset); exactly one of them.
    static func departure(_ object: [String: Value], origin: String) throws(DocumentError) -> Instant {
        let local = object["departure_local"].flatMap { $0.isNull ? nil : $0 }
        switch (object["departure"], local) {
        case (let given?, _?) where !given.isNull:
            throw DocumentError(message: "gives both 'departure' and 'departure_local'; give one")
        case (.instant(let instant)?, nil): return instant
        case (.string(let text)?, nil):
            guard let instant = Instant(iso8601: text) else {
                throw DocumentError(
                    message: "'departure' is not an ISO-8601 instant with an offset: \(text) (a wall-clock time at the "
                        + "origin goes in 'departure_local')")
            }
            return instant
        case (let other?, nil) where !other.isNull:
            throw DocumentError(message: "'departure' must be an instant, got \(other.typeName)")
        case (_, .string(let text)?):
            guard let wall = LocalDateTime(parsing: text) else {
                throw DocumentError(message: "'departure_local' is not a wall-clock time YYYY-MM-DDTHH:MM[:SS] without an offset: \(text)")
            }
            guard let zone = Airports.lookup(origin).flatMap({ ZoneRules(identifier: $0.zone) }),
                let instant = zone.instant(of: wall, gap: .shiftForward)
            else { throw DocumentError(message: "the origin '\(origin)' has no known time zone") }
            return instant
        case (_, let other?):
            throw DocumentError(message: "'departure_local' must be text, got \(other.typeName)")
        default:
            throw DocumentError(message: "missing the required field 'departure' (or 'departure_local')")
        }
    }

    /// A WhatsApp address as E.164: the `whatsapp:` prefix and spaces removed.
    public static func whatsappNumber(_ address: String) -> String {
        var number = address.trimmingCharacters(in: .whitespaces)
        if number.lowercased().hasPrefix("whatsapp:") { number.removeFirst("whatsapp:".count) }
        return number.filter { !$0.isWhitespace }
    }
}
