/// Times as travellers read them in the languages the flows speak, in the local time of a zone.
///
/// | language | human | local |
/// |---|---|---|
/// | `es` | `Mié 8 Jul 22:05 hs (LHR)` | `8 Jul 22:05 hs` |
/// | `en` | `Wed 8 Jul 22:05 (LHR)` | `8 Jul 22:05` |
///
/// Spanish is exactly `SpanishTimeFormat`. English keeps the day-before-month order and the
/// 24-hour clock (what British and international airline messages use) and drops the Spanish
/// `hs` ("horas"). Portuguese is not offered: the airport table has no Portuguese city names and
/// no Portuguese templates exist, so a flow could not speak it properly.
public enum TravellerTimeFormat {
    /// A language the formats know, by its ISO 639-1 code.
    public enum Language: String, Sendable, CaseIterable {
        case es, en

        /// Sunday first, as `CivilDate.weekday` counts.
        public var weekdays: [String] {
            switch self {
            case .es: SpanishTimeFormat.weekdays
            case .en: ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
            }
        }

        public var months: [String] {
            switch self {
            case .es: SpanishTimeFormat.months
            case .en: ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
            }
        }

        /// What follows the time: ` hs` in Spanish, nothing in English.
        var hoursSuffix: String { self == .es ? " hs" : "" }

        /// The codes, for error messages: `es, en`.
        public static var codes: String { allCases.map(\.rawValue).joined(separator: ", ") }
    }

    /// Weekday, day, month and time in the zone, then the IATA code: `Wed 8 Jul 22:05 (LHR)`.
    public static func human(_ instant: Instant, zone: ZoneRules, iata: String, language: Language) -> String {
        let local = zone.localDateTime(of: instant)
        return "\(language.weekdays[local.date.weekday]) \(dayMonthTime(local, language))\(language.hoursSuffix) (\(iata))"
    }

    /// Day, month and time in the zone: `8 Jul 11:30`.
    public static func local(_ instant: Instant, zone: ZoneRules, language: Language) -> String {
        "\(dayMonthTime(zone.localDateTime(of: instant), language))\(language.hoursSuffix)"
    }

    private static func dayMonthTime(_ local: LocalDateTime, _ language: Language) -> String {
        "\(local.date.day) \(language.months[local.date.month - 1]) \(pad(local.hour, 2)):\(pad(local.minute, 2))"
    }
}
