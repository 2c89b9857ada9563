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
        ["id", "agency_id", "client_name", "whatsapp", "flight_number", "origin", "destination", "departure", "stay",
         "notes", "language"]
    }

    /// The row for a trip object (`id`, `client_name`, `whatsapp`, `flight_number`, `origin`,
    /// `destination`, `departure` required; `agency_id` defaults to `agency`).
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
        let departure: Instant
        switch object["departure"] {
        case .instant(let instant)?: departure = instant
        case .string(let text)?:
            guard let instant = Instant(iso8601: text) else {
                throw DocumentError(message: "'departure' is not an ISO-8601 instant with an offset: \(text)")
            }
            departure = instant
        case nil, .null?: throw DocumentError(message: "missing the required field 'departure'")
        case let other?: throw DocumentError(message: "'departure' must be an instant, got \(other.typeName)")
        }
        let origin = try text("origin")!.uppercased()
        let destination = try text("destination")!.uppercased()
        for (key, code) in [("origin", origin), ("destination", destination)] where Airports.lookup(code) == nil {
            throw DocumentError(message: "'\(key)' must be the IATA code of a known airport, got '\(code)'")
        }
        let extra = object.filter { !Self.columnKeys.contains($0.key) }
        self.init(
            id: try text("id")!, agencyID: try text("agency_id", required: false) ?? agency,
            clientName: try text("client_name")!, whatsapp: Self.whatsappNumber(try text("whatsapp")!),
            flightNumber: try text("flight_number")!.uppercased(), origin: origin, destination: destination,
            departureAt: departure, stay: try text("stay", required: false), notes: try text("notes", required: false),
            language: try text("language", required: false) ?? "es", metadata: extra.isEmpty ? nil : .object(extra),
            instanceID: instanceID, updatedAt: now)
    }

    /// A WhatsApp address as E.164: the `whatsapp:` prefix and spaces removed.
    public static func whatsappNumber(_ address: String) -> String {
        var number = address.trimmingCharacters(in: .whitespaces)
        if number.lowercased().hasPrefix("whatsapp:") { number.removeFirst("whatsapp:".count) }
        return number.filter { !$0.isWhitespace }
    }
}
