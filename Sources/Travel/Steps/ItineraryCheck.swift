public import FlowEngine
public import FlowRuntime
import Foundation

/// The checks a generated itinerary must pass before it is saved (`itinerary.check`), and the
/// marking of the agency's places, as pure functions over values.
///
/// An itinerary is `{days: [{date, items: [{title, type, address, city, start_time, end_time, source}]}]}`.
/// It must have exactly `days` days dated `firstDay`, `firstDay + 1`, … (continuous, inside the
/// trip); every day at least one item; every item a title, a `start_time` `HH:MM` and an
/// `end_time` `HH:MM` after it (or null). An item whose title (or address) and city match an agency
/// place gets `source: agency` and the place's address and city; every other item `suggested`.
public enum ItineraryCheck {
    /// An agency place: what the agency recommends at a destination.
    public struct Place: Sendable, Hashable {
        public var name: String
        public var address: String?
        public var city: String?

        public init(name: String, address: String?, city: String?) {
            self.name = name
            self.address = address
            self.city = city
        }
    }

    /// The outcome: the problems found (empty when valid) and the itinerary with sources marked.
    public struct Outcome: Sendable, Hashable {
        public var errors: [String]
        public var itinerary: Value
        public var agencyItems: Int
        public var isValid: Bool { errors.isEmpty }
    }

    /// The most problems reported (the model gets them back; a long list helps nobody).
    public static let maximumErrors = 12

    /// With `knownPlaces` (the research's place names), every item that is a place (any type but
    /// `transport` and `other`) must name one of them or an agency place (`KnownPlaces`).
    public static func check(_ itinerary: Value, firstDay: CivilDate, days: Int, places: [Place],
                             knownPlaces: [String]? = nil) -> Outcome {
        let known = knownPlaces.map { KnownPlaces(names: $0 + places.map(\.name)) }
        var errors: [String] = []
        guard let list = itinerary["days"]?.arrayValue else {
            return Outcome(errors: ["the itinerary has no list of days"], itinerary: itinerary, agencyItems: 0)
        }
        if list.count != days {
            errors.append("expected \(days) day\(days == 1 ? "" : "s") (\(text(firstDay)) to "
                          + "\(text(CivilDate(daysSinceEpoch: firstDay.daysSinceEpoch + days - 1)))), got \(list.count)")
        }
        var marked: [Value] = []
        var agencyItems = 0
        for (index, day) in list.enumerated() {
            let expected = CivilDate(daysSinceEpoch: firstDay.daysSinceEpoch + index)
            let date = day["date"]?.stringValue ?? ""
            let label = "day \(index + 1)"
            if parseDate(date) != expected {
                errors.append("\(label): date '\(date)' should be \(text(expected)) (days are consecutive from "
                              + "\(text(firstDay)))")
            }
            let items = day["items"]?.arrayValue ?? []
            if items.isEmpty { errors.append("\(label) (\(date)) has no items") }
            var markedItems: [Value] = []
            for (position, item) in items.enumerated() {
                let title = item["title"]?.stringValue?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
                let subject = "\(label) item \(position + 1)" + (title.isEmpty ? "" : " (\(title))")
                if title.isEmpty { errors.append("\(subject): the title is empty") }
                let start = item["start_time"]?.stringValue
                let end = item["end_time"]?.stringValue
                let startMinutes = start.flatMap(minutes)
                if startMinutes == nil {
                    errors.append("\(subject): start_time '\(start ?? "null")' is not a time HH:MM")
                }
                if let end {
                    if let endMinutes = minutes(end) {
                        if let startMinutes, endMinutes <= startMinutes {
                            errors.append("\(subject): end_time \(end) is not after start_time \(start ?? "")")
                        }
                    } else {
                        errors.append("\(subject): end_time '\(end)' is not a time HH:MM")
                    }
                }
                if let known, let problem = known.problem(item, subject: subject) { errors.append(problem) }
                let (value, isAgency) = mark(item, places: places)
                if isAgency { agencyItems += 1 }
                markedItems.append(value)
            }
            var copy = day.objectValue ?? [:]
            copy["items"] = .array(markedItems)
            marked.append(.object(copy))
        }
        var document = itinerary.objectValue ?? [:]
        document["days"] = .array(marked)
        let shown = errors.count > maximumErrors
            ? Array(errors.prefix(maximumErrors)) + ["… and \(errors.count - maximumErrors) more"] : errors
        return Outcome(errors: shown, itinerary: .object(document), agencyItems: agencyItems)
    }

    /// The item with `source` set: `agency` (and the place's address and city) when it matches a place.
    static func mark(_ item: Value, places: [Place]) -> (Value, Bool) {
        var copy = item.objectValue ?? [:]
        let title = folded(item["title"]?.stringValue)
        let address = folded(item["address"]?.stringValue)
        let city = folded(item["city"]?.stringValue)
        let match = places.first { place in
            let sameCity = place.city.map { folded($0) == city || city.isEmpty } ?? true
            let placeAddress = folded(place.address)
            return sameCity && (folded(place.name) == title || (!placeAddress.isEmpty && placeAddress == address))
        }
        guard let match, !title.isEmpty || !address.isEmpty else {
            copy["source"] = "suggested"
            return (.object(copy), false)
        }
        copy["source"] = "agency"
        if let address = match.address { copy["address"] = .string(address) }
        if let city = match.city { copy["city"] = .string(city) }
        return (.object(copy), true)
    }

    /// Lower case, without accents, runs of spaces as one: "  Museo  del PRADO " ~ "museo del prado".
    static func folded(_ text: String?) -> String {
        guard let text else { return "" }
        let plain = text.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
        return plain.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    /// Minutes since midnight of a strict `HH:MM` (00:00–23:59), else nil.
    static func minutes(_ text: String) -> Int? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2,
            let hour = Int(parts[0]), let minute = Int(parts[1]), (0...23).contains(hour), (0...59).contains(minute)
        else { return nil }
        return hour * 60 + minute
    }

    /// A strict `YYYY-MM-DD`, else nil.
    public static func parseDate(_ text: String) -> CivilDate? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
            (1...12).contains(month), day >= 1, day <= CivilDate.daysIn(month: month, year: year)
        else { return nil }
        return CivilDate(year: year, month: month, day: day)
    }

    /// `YYYY-MM-DD`.
    public static func text(_ date: CivilDate) -> String {
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(date.year)-\(two(date.month))-\(two(date.day))"
    }
}
