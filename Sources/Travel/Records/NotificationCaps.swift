public import FlowEngine

/// The caps of a `notify.send` (its `caps:` argument): at most `perTripPerDay` messages to one trip
/// in the 24 hours before the send, `perAgencyPerHour` / `perAgencyPerDay` for the trip's agency.
/// A cap counts the log's rows claimed in its window except `NotificationStatusOrder.uncountedForCaps`,
/// the message being sent included: a send is suppressed when it would be the `limit + 1`-th.
public struct NotificationCaps: Sendable, Hashable {
    public var perTripPerDay: Int?
    public var perAgencyPerHour: Int?
    public var perAgencyPerDay: Int?

    /// No cap.
    public static let none = NotificationCaps()

    public init(perTripPerDay: Int? = nil, perAgencyPerHour: Int? = nil, perAgencyPerDay: Int? = nil) {
        self.perTripPerDay = perTripPerDay
        self.perAgencyPerHour = perAgencyPerHour
        self.perAgencyPerDay = perAgencyPerDay
    }

    /// The step's `caps` argument (`{per_trip_per_day?, per_agency_per_hour?, per_agency_per_day?}`); keys
    /// that are absent or not whole numbers set no cap.
    public init(_ argument: Value?) {
        self.init(
            perTripPerDay: argument?["per_trip_per_day"]?.intValue,
            perAgencyPerHour: argument?["per_agency_per_hour"]?.intValue,
            perAgencyPerDay: argument?["per_agency_per_day"]?.intValue)
    }

    /// The caps that apply to a message of `agency`: the agency's caps only when it has one.
    public func applying(to agency: String?) -> NotificationCaps {
        agency == nil ? NotificationCaps(perTripPerDay: perTripPerDay) : self
    }

    public var isEmpty: Bool { perTripPerDay == nil && perAgencyPerHour == nil && perAgencyPerDay == nil }

    /// The windows' starts for a send at `now`: the trip's and the agency's day, the agency's hour.
    public static func dayStart(_ now: Instant) -> Instant { now - .days(1) }
    public static func hourStart(_ now: Instant) -> Instant { now - .hours(1) }

    /// The reasons recorded for each cap (in the log's `error` and the step's `reason`).
    public var tripDayReason: String? { perTripPerDay.map { "cap per_trip_per_day \($0) reached" } }
    public var agencyHourReason: String? { perAgencyPerHour.map { "cap per_agency_per_hour \($0) reached" } }
    public var agencyDayReason: String? { perAgencyPerDay.map { "cap per_agency_per_day \($0) reached" } }

    /// The first cap exceeded, as its reason, given the counted rows in each window (`including` says
    /// whether the counts already include the message being sent), or nil when it may be sent.
    public func exceeded(tripDay: Int, agencyHour: Int, agencyDay: Int, including: Bool) -> String? {
        let own = including ? 0 : 1
        if let limit = perTripPerDay, tripDay + own > limit { return tripDayReason }
        if let limit = perAgencyPerHour, agencyHour + own > limit { return agencyHourReason }
        if let limit = perAgencyPerDay, agencyDay + own > limit { return agencyDayReason }
        return nil
    }

    /// The names of the locks a claim under these caps takes (a durable store serialises claims that
    /// count the same trip or agency), sorted: every claim takes them in the same order.
    public func lockNames(trip: String, agency: String?) -> [String] {
        var names: [String] = []
        if perTripPerDay != nil { names.append("notify.caps trip \(trip)") }
        if let agency, perAgencyPerHour != nil || perAgencyPerDay != nil { names.append("notify.caps agency \(agency)") }
        return names.sorted()
    }
}

/// What an atomic claim with caps did (`NotificationLog.claimNotification(_:caps:)`).
public enum NotificationClaimOutcome: Sendable, Hashable {
    /// The row is new and `claimed`: the message may be sent.
    case claimed
    /// A row was already claimed under (trip, type, key); nothing written.
    case duplicate
    /// The row is new and `suppressed` with the first cap the message would exceed.
    case suppressed(reason: String)
}
