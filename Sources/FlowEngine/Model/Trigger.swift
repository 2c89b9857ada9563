/// How instances of a flow start.
public enum Trigger: Sendable {
    case event(EventTrigger)
    case schedule(ScheduleTrigger)

    public var location: SourceLocation {
        switch self {
        case .event(let e): e.location
        case .schedule(let s): s.location
        }
    }
}

/// Started by the runtime when a named domain event happens (`trip.created`), once per `key`.
public struct EventTrigger: Sendable {
    public var event: Located<String>
    /// Idempotent start: one instance per evaluated key.
    public var key: ValueTemplate?
    /// Maps the event payload to the flow input; default: the payload is the input.
    public var input: ValueTemplate?
    /// The agency the instance runs for, evaluated over the mapped input (`${{ input.trip.agency_id }}`);
    /// nil: the caller's (a key's agency, `--agency`), else none.
    public var agency: ValueTemplate?
    /// What the runtime records from the event before any flow starts, by the name of a recorder
    /// the product provides (`records: trip`); nil: nothing.
    public var records: Located<String>?
    public var location: SourceLocation

    public init(
        event: Located<String>, key: ValueTemplate?, input: ValueTemplate?, agency: ValueTemplate? = nil,
        records: Located<String>? = nil, location: SourceLocation
    ) {
        self.event = event
        self.key = key
        self.input = input
        self.agency = agency
        self.records = records
        self.location = location
    }
}

/// Started on a cron schedule in an IANA zone.
public struct ScheduleTrigger: Sendable {
    /// What to do with local times that do not exist (spring forward). Repeated local times
    /// (fall back) always fire once, at their first occurrence.
    public enum DSTPolicy: String, Sendable, Hashable, Codable, CaseIterable {
        /// Fire at the first valid minute after the gap.
        case shift
        /// Do not fire for that instant.
        case skip
    }

    /// What to do with fire times missed while no daemon ran.
    public enum CatchUpPolicy: String, Sendable, Hashable, Codable, CaseIterable {
        /// Missed fires are dropped.
        case none
        /// Only the most recent missed fire runs.
        case last
        /// Every missed fire runs (bounded by the runtime's catch-up limit).
        case all
    }

    /// Five fields: minute hour day-of-month month day-of-week.
    public var cron: Located<String>
    public var zone: Located<String>
    public var dst: Located<DSTPolicy>
    public var catchUp: Located<CatchUpPolicy>
    public var input: ValueTemplate?
    public var location: SourceLocation

    public init(
        cron: Located<String>, zone: Located<String>, dst: Located<DSTPolicy>, catchUp: Located<CatchUpPolicy>,
        input: ValueTemplate?, location: SourceLocation
    ) {
        self.cron = cron
        self.zone = zone
        self.dst = dst
        self.catchUp = catchUp
        self.input = input
        self.location = location
    }
}
