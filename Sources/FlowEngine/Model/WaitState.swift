/// Waits for a duration, until an instant, or for an external event; optionally deferring
/// the wake-up out of a quiet window in a time zone.
public struct WaitState: Sendable {
    public enum Condition: Sendable {
        /// `for: 2h`
        case duration(ValueTemplate)
        /// `until: ${{ … }}` (an instant; in the past means now)
        case until(ValueTemplate)
        /// `event: …`
        case event(EventWait)
    }

    public var condition: Condition
    public var window: SendWindowSpec?
    /// A timed wait (`for`/`until`) stores its wake-up as `vars.<save>`:
    /// `{at, due, deferred_from}` (`deferred_from` null unless the window moved it).
    /// An event wait saves its payload with `event.save` instead.
    public var save: Located<String>?
    public var next: Located<String>?

    public init(condition: Condition, window: SendWindowSpec?, save: Located<String>? = nil, next: Located<String>?) {
        self.condition = condition
        self.window = window
        self.save = save
        self.next = next
    }
}

/// Waits for a named event whose correlation key matches, bounded by `timeout`.
public struct EventWait: Sendable {
    public var name: Located<String>
    /// Only events whose `key` equals this value are delivered to the instance.
    public var correlation: ValueTemplate?
    /// Events that arrived up to this long before the wait began also count.
    public var lookback: ValueTemplate?
    /// The bound; required (rule F104).
    public var timeout: ValueTemplate?
    /// Where to go when the bound passes; required (rule F104).
    public var onTimeout: Located<String>?
    /// Stores the event payload as `vars.<save>`.
    public var save: Located<String>?
    public var location: SourceLocation

    public init(
        name: Located<String>, correlation: ValueTemplate?, lookback: ValueTemplate?, timeout: ValueTemplate?,
        onTimeout: Located<String>?, save: Located<String>?, location: SourceLocation
    ) {
        self.name = name
        self.correlation = correlation
        self.lookback = lookback
        self.timeout = timeout
        self.onTimeout = onTimeout
        self.save = save
        self.location = location
    }
}

/// Quiet hours for a wake-up: a due time inside `quiet` (local to `zone`) is deferred to the
/// window's end; if that is later than `not_after`, it moves instead to the last allowed
/// minute before the window began.
public struct SendWindowSpec: Sendable {
    /// The window in which nothing is sent, e.g. `20:00-09:00`.
    public var quiet: ValueTemplate
    /// IANA zone the window is read in.
    public var zone: ValueTemplate
    /// Latest acceptable instant for a deferred wake-up.
    public var notAfter: ValueTemplate?
    public var location: SourceLocation

    public init(quiet: ValueTemplate, zone: ValueTemplate, notAfter: ValueTemplate?, location: SourceLocation) {
        self.quiet = quiet
        self.zone = zone
        self.notAfter = notAfter
        self.location = location
    }
}
