import Foundation

/// Moves a wake-up out of a quiet window read in an IANA zone: to the window's end, or, when that
/// is later than `notAfter`, to the last allowed minute before the window began.
struct QuietHours {
    var window: TimeWindow
    var zone: TimeZone

    init?(window: String, zone: String) {
        guard let window = TimeWindow(parsing: window), let zone = TimeZone(identifier: zone) else { return nil }
        self.window = window
        self.zone = zone
    }

    /// The instant to wake at instead of `due` (equal to `due` when it is outside the window).
    func schedule(_ due: Instant, notAfter: Instant?) -> Instant {
        let minute = minuteOfDay(due)
        guard window.contains(minuteOfDay: minute) else { return due }
        let intoMinute = TimeSpan(milliseconds: localMilliseconds(due) % 60_000)
        let untilEnd = (window.endMinute - minute + 1440) % 1440
        var end = due - intoMinute + .minutes(Int64(untilEnd))
        // Across a DST change the offset moved: re-aim at the local end minute.
        let drift = minuteOfDay(end) - window.endMinute
        if drift != 0 { end = end - .minutes(Int64(drift)) }
        guard let notAfter, end > notAfter else { return end }
        let sinceStart = (minute - window.startMinute + 1440) % 1440
        return due - intoMinute - .minutes(Int64(sinceStart + 1))
    }

    private func localMilliseconds(_ instant: Instant) -> Int64 {
        let seconds = instant.epochSeconds
        let offset = zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(seconds)))
        let local = instant.epochMilliseconds + Int64(offset) * 1000
        let day: Int64 = 86_400_000
        return ((local % day) + day) % day
    }

    func minuteOfDay(_ instant: Instant) -> Int { Int(localMilliseconds(instant) / 60_000) }

    /// The local wall time, e.g. `2026-07-07T09:00:00+01:00`.
    func localText(_ instant: Instant) -> String {
        let date = Date(timeIntervalSince1970: TimeInterval(instant.epochSeconds))
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = zone
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }
}
