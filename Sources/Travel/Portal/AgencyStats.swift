public import FlowEngine

/// One agency's activity over `[from, to)`, as `GET /agencies/{agency}/stats` answers it. Every
/// number is an SQL aggregate over the agency's rows (`AgencyPortalStore.agencyStats`); days are
/// UTC calendar days.
///
/// - Messages: `notifications_log` rows created in the range, by type and by day and type.
/// - Delivery: of the rows Twilio accepted (a provider id), how many reached `delivered` or `read`
///   and how many `read`, from the status callbacks (`NotificationStatusOrder` keeps the best);
///   `failed` counts `failed`, `undelivered` and `canceled`, and `failures` groups them by the
///   error code the send or the callback recorded (`unknown` when none).
/// - AeroAPI: the `aeroapi.flight` calls in the agency's instances' timelines (`step_called`
///   entries): `calls` every attempt, `lookups` first attempts (what `aeroapi_budget` counts: a
///   retried lookup counts once), `trip_days` the distinct (instance, UTC day) pairs with a call,
///   and `budget_exceeded` the `AEROAPI_BUDGET_EXCEEDED` alerts raised.
/// - Suggestions: `trip-suggestion` instances created in the range, by status; approvals requested
///   in the range, by status.
public struct AgencyStats: Sendable, Hashable {
    /// Messages of one type on one day.
    public struct DayCount: Sendable, Hashable {
        public var day: String
        public var type: String
        public var count: Int

        public init(day: String, type: String, count: Int) {
            self.day = day
            self.type = type
            self.count = count
        }
    }

    public var messagesByDay: [DayCount]
    /// Rows with a provider id: accepted by Twilio.
    public var sent: Int
    /// `delivered` or `read`.
    public var delivered: Int
    public var read: Int
    /// `failed`, `undelivered`, `canceled`.
    public var failed: Int
    /// Stopped by a cap or a policy: nothing was sent.
    public var suppressed: Int
    public var failures: [String: Int]
    public var aeroapiCalls: Int
    public var aeroapiLookups: Int
    public var aeroapiTripDays: Int
    public var aeroapiBudgetExceeded: Int
    public var suggestions: [String: Int]
    public var approvals: [String: Int]

    public init(
        messagesByDay: [DayCount] = [], sent: Int = 0, delivered: Int = 0, read: Int = 0, failed: Int = 0,
        suppressed: Int = 0, failures: [String: Int] = [:], aeroapiCalls: Int = 0, aeroapiLookups: Int = 0,
        aeroapiTripDays: Int = 0, aeroapiBudgetExceeded: Int = 0, suggestions: [String: Int] = [:],
        approvals: [String: Int] = [:]
    ) {
        self.messagesByDay = messagesByDay
        self.sent = sent
        self.delivered = delivered
        self.read = read
        self.failed = failed
        self.suppressed = suppressed
        self.failures = failures
        self.aeroapiCalls = aeroapiCalls
        self.aeroapiLookups = aeroapiLookups
        self.aeroapiTripDays = aeroapiTripDays
        self.aeroapiBudgetExceeded = aeroapiBudgetExceeded
        self.suggestions = suggestions
        self.approvals = approvals
    }

    /// The statuses `failed` counts.
    public static let failureStatuses = ["failed", "undelivered", "canceled"]
    /// The statuses `delivered` counts.
    public static let deliveredStatuses = ["delivered", "read"]
    /// The step whose calls `aeroapi` counts, and the alert code of a spent budget.
    public static let aeroapiStep = "aeroapi.flight"
    public static let alertStep = "alert.raise"
    public static let budgetExceededCode = "AEROAPI_BUDGET_EXCEEDED"
    /// The flow whose instances are suggestions.
    public static let suggestionFlow = "trip-suggestion"

    /// Messages per type over the whole range.
    public var messagesByType: [String: Int] {
        messagesByDay.reduce(into: [:]) { $0[$1.type, default: 0] += $1.count }
    }

    /// The answer of `GET /agencies/{agency}/stats`.
    public func json(agency: String, from: Instant, to: Instant) -> Value {
        func counts(_ map: [String: Int]) -> Value {
            .object(map.mapValues { .number(Double($0)) })
        }
        func rate(_ part: Int) -> Value {
            sent == 0 ? .null : .number((Double(part) / Double(sent) * 10_000).rounded() / 10_000)
        }
        let byType = messagesByType
        return [
            "agency": .string(agency), "from": .instant(from), "to": .instant(to),
            "messages": [
                "total": .number(Double(byType.values.reduce(0, +))), "by_type": counts(byType),
                "by_day": .array(messagesByDay.map {
                    ["day": .string($0.day), "type": .string($0.type), "count": .number(Double($0.count))]
                }),
            ],
            "delivery": [
                "sent": .number(Double(sent)), "delivered": .number(Double(delivered)), "read": .number(Double(read)),
                "failed": .number(Double(failed)), "suppressed": .number(Double(suppressed)),
                "delivery_rate": rate(delivered), "read_rate": rate(read),
            ],
            "failures": counts(failures),
            "aeroapi": [
                "calls": .number(Double(aeroapiCalls)), "lookups": .number(Double(aeroapiLookups)),
                "trip_days": .number(Double(aeroapiTripDays)), "budget_exceeded": .number(Double(aeroapiBudgetExceeded)),
            ],
            "suggestions": counts(suggestions),
            "approvals": counts(approvals),
        ]
    }
}
