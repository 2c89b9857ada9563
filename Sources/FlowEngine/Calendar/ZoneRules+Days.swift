extension ZoneRules {
    /// The first instant of the local calendar day after the one `instant` falls on: the next
    /// local midnight. A midnight skipped by a DST change (some zones change at 00:00) moves
    /// forward to the first wall time that exists, as `from_local` does.
    public func startOfNextDay(after instant: Instant) -> Instant {
        let today = localDateTime(of: instant).date
        let midnight = LocalDateTime(date: CivilDate(daysSinceEpoch: today.daysSinceEpoch + 1), hour: 0, minute: 0)
        // `shiftForward` always resolves a wall time.
        return self.instant(of: midnight, gap: .shiftForward)!
    }
}
