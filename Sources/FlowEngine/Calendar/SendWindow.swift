/// Quiet hours in a zone: a message due inside `quiet` waits for the window's end.
public struct SendWindow: Sendable, Hashable {
    /// The daily window in which nothing is sent, e.g. `20:00-09:00`.
    public var quiet: TimeWindow
    public var zone: ZoneRules

    public init(quiet: TimeWindow, zone: ZoneRules) {
        self.quiet = quiet
        self.zone = zone
    }

    /// Whether the instant's local wall time is inside the quiet window.
    public func contains(_ instant: Instant) -> Bool {
        quiet.contains(minuteOfDay: zone.localDateTime(of: instant).minuteOfDay)
    }

    /// The quiet period (start inclusive, end exclusive) containing the instant, or nil.
    /// Wall times that fall in a DST gap move forward.
    public func quietPeriod(containing instant: Instant) -> (start: Instant, end: Instant)? {
        let local = zone.localDateTime(of: instant)
        let minute = local.minuteOfDay
        guard quiet.contains(minuteOfDay: minute) else { return nil }
        let wraps = quiet.startMinute >= quiet.endMinute
        let startDay = wraps && minute < quiet.endMinute ? local.date.daysSinceEpoch - 1 : local.date.daysSinceEpoch
        let endDay = wraps ? startDay + 1 : startDay
        return (wallTime(day: startDay, minute: quiet.startMinute), wallTime(day: endDay, minute: quiet.endMinute))
    }

    /// The start of the latest quiet period that began at or before the instant, or nil for an empty window.
    public func latestQuietStart(atOrBefore instant: Instant) -> Instant? {
        guard quiet.startMinute != quiet.endMinute else { return nil }
        let today = zone.localDateTime(of: instant).date.daysSinceEpoch
        for day in stride(from: today + 1, through: today - 2, by: -1) {
            let start = wallTime(day: day, minute: quiet.startMinute)
            if start <= instant { return start }
        }
        return nil
    }

    private func wallTime(day: Int, minute: Int) -> Instant {
        let local = LocalDateTime(date: CivilDate(daysSinceEpoch: day), hour: minute / 60, minute: minute % 60)
        // shiftForward always yields an instant.
        return zone.instant(of: local, gap: .shiftForward) ?? Instant(epochSeconds: local.secondsSinceEpochAsUTC)
    }

    /// When to send something due at `due`: at once outside quiet hours; otherwise at the
    /// window's end; if that is later than `notAfter`, at the last allowed minute before the
    /// window began (which may already be past — the caller decides what to do then).
    public func schedule(_ due: Instant, notAfter: Instant?) -> SendWindowDecision {
        guard let period = quietPeriod(containing: due) else {
            return SendWindowDecision(wakeAt: due, reason: .allowed)
        }
        if let notAfter, period.end > notAfter {
            return SendWindowDecision(wakeAt: period.start - .minutes(1), reason: .advancedBeforeWindow)
        }
        return SendWindowDecision(wakeAt: period.end, reason: .deferredToWindowEnd)
    }
}

/// The outcome of `SendWindow.schedule`: when to wake, and whether and why it moved.
public struct SendWindowDecision: Sendable, Hashable {
    public enum Reason: String, Sendable, Hashable {
        /// Due outside quiet hours: wake when due.
        case allowed
        /// Due inside quiet hours: wake when they end.
        case deferredToWindowEnd
        /// The window's end is past `notAfter`: wake at the last allowed minute before the window began.
        case advancedBeforeWindow
    }

    public var wakeAt: Instant
    public var reason: Reason

    public init(wakeAt: Instant, reason: Reason) {
        self.wakeAt = wakeAt
        self.reason = reason
    }

    public var isDeferred: Bool { reason != .allowed }
}
