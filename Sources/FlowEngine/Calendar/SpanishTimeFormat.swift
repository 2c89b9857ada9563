/// Times as Spanish-speaking travellers read them, in the local time of a zone:
/// `Mié 8 Jul 22:05 hs (LHR)`, `8 Jul 11:30 hs`, `22:05`.
public enum SpanishTimeFormat {
    /// Sunday first, as `CivilDate.weekday` counts.
    public static let weekdays = ["Dom", "Lun", "Mar", "Mié", "Jue", "Vie", "Sáb"]
    public static let months = ["Ene", "Feb", "Mar", "Abr", "May", "Jun", "Jul", "Ago", "Sep", "Oct", "Nov", "Dic"]

    /// `Mié 8 Jul 22:05 hs (LHR)`: weekday, day, month and time in the zone, then the IATA code.
    public static func human(_ instant: Instant, zone: ZoneRules, iata: String) -> String {
        let local = zone.localDateTime(of: instant)
        return "\(weekdays[local.date.weekday]) \(dayMonthTime(local)) hs (\(iata))"
    }

    /// `8 Jul 11:30 hs`.
    public static func local(_ instant: Instant, zone: ZoneRules) -> String {
        "\(dayMonthTime(zone.localDateTime(of: instant))) hs"
    }

    /// `22:05`.
    public static func time(_ instant: Instant, zone: ZoneRules) -> String {
        let local = zone.localDateTime(of: instant)
        return "\(pad(local.hour, 2)):\(pad(local.minute, 2))"
    }

    private static func dayMonthTime(_ local: LocalDateTime) -> String {
        "\(local.date.day) \(months[local.date.month - 1]) \(pad(local.hour, 2)):\(pad(local.minute, 2))"
    }
}
