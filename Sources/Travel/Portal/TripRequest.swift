public import FlowEngine
import FlowRuntime
import Foundation

/// The bodies of `POST /trips` and `PATCH /trips/{id}`, checked field by field like the
/// `flight-notifications` input: an unknown field, a missing one or a malformed one is an
/// `APIError` naming it (422; 400 when the body is not an object).
///
/// A trip is `id?`, `agency_id?`, `client_name`, `whatsapp` (E.164, a `whatsapp:` prefix is
/// removed), `flight_number` (`AR1140`), `origin` and `destination` (IATA codes of known airports),
/// `departure` (ISO-8601 with an offset) or `departure_local` (local wall time at the origin,
/// `2026-07-09T14:30`, converted once with the origin's zone where the trip is recorded), exactly one, `stay?`, `notes?`,
/// `language?`, `companions?` (`[{name, whatsapp}]`), and what `itinerary` reads: `arrival?`,
/// `return?` (instants with an offset), `stay_end?` (`YYYY-MM-DD`), `client_description?`.
public enum TripRequest {
    /// Every field `POST /trips` takes.
    public static let fields: Set<String> = [
        "id", "agency_id", "client_name", "whatsapp", "flight_number", "origin", "destination", "departure",
        "departure_local", "stay", "notes", "language", "companions", "arrival", "return", "stay_end",
        "client_description",
    ]
    /// The fields `PATCH /trips/{id}` may change; the route, the traveller's number and the owner
    /// cannot change (a different route is a cancellation and a new trip).
    public static let patchable: Set<String> = [
        "client_name", "flight_number", "departure", "departure_local", "stay", "notes", "language", "companions",
        "arrival", "return", "stay_end", "client_description",
    ]
    /// Fields a merge-patch may remove with `null`.
    static let optional: Set<String> = [
        "departure_local", "stay", "notes", "language", "companions", "arrival", "return", "stay_end", "client_description",
    ]

    /// The longest trip id, and the characters one may hold (it is a path segment).
    public static let maximumIDLength = 100

    /// The trip document of a `POST /trips` body, with `agency_id` set to `agency` and `id` to
    /// `generatedID` when the body has none.
    public static func created(_ body: Value, agency: String, generatedID: String) throws -> Value {
        guard var object = body.objectValue else { throw APIError.badRequest("the body must be a JSON object (a trip)") }
        if let unknown = object.keys.sorted().first(where: { !fields.contains($0) }) {
            throw APIError.unprocessable("'\(unknown)' is not a field of a trip (fields: \(fields.sorted().joined(separator: ", ")))")
        }
        for key in object.keys where object[key] == .null { object.removeValue(forKey: key) }
        if object["id"] == nil { object["id"] = .string(generatedID) }
        object["agency_id"] = .string(agency)
        try check(&object, required: ["id", "client_name", "whatsapp", "flight_number", "origin", "destination"])
        guard (object["departure"] != nil) != (object["departure_local"] != nil) else {
            throw APIError.unprocessable(
                "exactly one of 'departure' (an ISO-8601 instant with an offset) and 'departure_local' is required")
        }
        return .object(object)
    }

    /// `trip` with the merge-patch `patch` applied (RFC 7396 on the top level: a value replaces,
    /// `null` removes an optional field).
    public static func patched(_ trip: Value, with patch: Value) throws -> Value {
        guard let changes = patch.objectValue else {
            throw APIError.badRequest("the body must be a JSON object (a merge-patch of the trip)")
        }
        guard !changes.isEmpty else { throw APIError.unprocessable("the patch changes no field") }
        for key in changes.keys.sorted() {
            guard fields.contains(key) else { throw APIError.unprocessable("'\(key)' is not a field of a trip") }
            guard patchable.contains(key) else {
                throw APIError.unprocessable(
                    "'\(key)' cannot be changed (a trip keeps its id, agency, route and traveller's number; cancel it and create another)")
            }
        }
        guard var object = trip.objectValue else { throw APIError.unprocessable("the trip is not an object") }
        for (key, value) in changes {
            if value == .null {
                guard optional.contains(key) else { throw APIError.unprocessable("'\(key)' is required and cannot be removed") }
                object.removeValue(forKey: key)
            } else {
                object[key] = value
            }
        }
        try check(&object, required: ["id", "client_name", "whatsapp", "flight_number", "origin", "destination"])
        return .object(object)
    }

    /// Checks and normalises every present field; `required` must be present.
    static func check(_ object: inout [String: Value], required: [String]) throws {
        for key in required where object[key] == nil { throw APIError.unprocessable("'\(key)' is required") }
        func text(_ key: String) throws -> String? {
            guard let value = object[key] else { return nil }
            guard let text = value.stringValue?.trimmingCharacters(in: .whitespaces), !text.isEmpty else {
                throw APIError.unprocessable("'\(key)' must be non-empty text, got \(value.typeName)")
            }
            return text
        }
        if let value = object["id"] {
            guard let id = value.stringValue, (1...maximumIDLength).contains(id.unicodeScalars.count),
                  id.unicodeScalars.allSatisfy(Self.isIDCharacter) else {
                throw APIError.unprocessable(
                    "'id' must be 1 to \(maximumIDLength) letters, digits, '-', '_', '.' or ':'")
            }
        }
        if let name = try text("client_name") { object["client_name"] = .string(name) }
        if let number = try text("whatsapp") {
            let e164 = TripRecord.whatsappNumber(number)
            guard isE164(e164) else {
                throw APIError.unprocessable("'whatsapp' must be an E.164 number (+5491155550000), got '\(number)'")
            }
            object["whatsapp"] = .string(e164)
        }
        if let flight = try text("flight_number") {
            let upper = flight.uppercased().filter { $0 != " " }
            guard isFlightNumber(upper) else {
                throw APIError.unprocessable("'flight_number' must be an airline code and a number (AR1140), got '\(flight)'")
            }
            object["flight_number"] = .string(upper)
        }
        for key in ["origin", "destination"] {
            guard let code = try text(key)?.uppercased() else { continue }
            guard code.count == 3, Airports.lookup(code) != nil else {
                throw APIError.unprocessable("'\(key)' must be the IATA code of a known airport, got '\(code)'")
            }
            object[key] = .string(code)
        }
        for key in ["departure", "arrival", "return"] {
            guard let instant = try text(key) else { continue }
            guard Instant(iso8601: instant) != nil, hasOffset(instant) else {
                throw APIError.unprocessable("'\(key)' must be an ISO-8601 instant with an offset, got '\(instant)'")
            }
            object[key] = .string(instant)
        }
        if let day = try text("stay_end") {
            guard day.range(of: #"^\d{4}-\d{2}-\d{2}$"#, options: .regularExpression) != nil else {
                throw APIError.unprocessable("'stay_end' must be a date (YYYY-MM-DD), got '\(day)'")
            }
            object["stay_end"] = .string(day)
        }
        if let local = try text("departure_local") {
            guard isLocalDateTime(local) else {
                throw APIError.unprocessable("'departure_local' must be a local date and time without an offset (2026-07-09T14:30), got '\(local)'")
            }
            object["departure_local"] = .string(local)
        }
        for key in ["stay", "notes", "language", "client_description"] { if let value = try text(key) { object[key] = .string(value) } }
        if let companions = object["companions"] {
            guard let list = companions.arrayValue else {
                throw APIError.unprocessable("'companions' must be a list of {name, whatsapp}, got \(companions.typeName)")
            }
            for (index, companion) in list.enumerated() {
                guard let member = companion.objectValue, member["name"]?.stringValue != nil else {
                    throw APIError.unprocessable("'companions[\(index)]' must be an object with a 'name'")
                }
                if let number = member["whatsapp"], !(number.stringValue.map { isE164(TripRecord.whatsappNumber($0)) } ?? false) {
                    throw APIError.unprocessable("'companions[\(index)].whatsapp' must be an E.164 number")
                }
            }
        }
    }

    /// `+` then 8 to 15 digits, the first not 0.
    static func isE164(_ number: String) -> Bool {
        let digits = number.dropFirst()
        return number.hasPrefix("+") && (8...15).contains(digits.count) && digits.allSatisfy(\.isASCII)
            && digits.allSatisfy(\.isNumber) && digits.first != "0"
    }

    /// Two letters or digits (the IATA airline designator), 1 to 4 digits, an optional suffix letter.
    static func isFlightNumber(_ text: String) -> Bool {
        let scalars = Array(text.unicodeScalars)
        guard scalars.count >= 3, scalars.allSatisfy({ $0.isASCII && CharacterSet.alphanumerics.contains($0) }) else {
            return false
        }
        var digits = scalars.dropFirst(2)
        if let last = digits.last, CharacterSet.letters.contains(last) { digits = digits.dropLast() }
        return (1...4).contains(digits.count) && digits.allSatisfy { CharacterSet.decimalDigits.contains($0) }
    }

    /// `Z` or `±hh:mm` after the time.
    static func hasOffset(_ text: String) -> Bool {
        guard let t = text.firstIndex(of: "T") else { return false }
        let time = text[t...]
        return time.hasSuffix("Z") || time.contains("+") || time.dropFirst().contains("-")
    }

    /// `YYYY-MM-DDTHH:MM` or `YYYY-MM-DDTHH:MM:SS`, no offset.
    static func isLocalDateTime(_ text: String) -> Bool {
        let pattern = #"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$"#
        return text.range(of: pattern, options: .regularExpression) != nil
    }

    static func isIDCharacter(_ scalar: Unicode.Scalar) -> Bool {
        scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar) || "-_.:".unicodeScalars.contains(scalar))
    }
}
