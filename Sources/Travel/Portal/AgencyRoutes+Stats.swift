public import FlowEngine
public import FlowRuntime
public import Hummingbird

extension AgencyRoutes {
    /// The longest range `GET /agencies/{agency}/stats` aggregates, and the default one (ending now).
    static var maximumRange: TimeSpan { .days(366) }
    static var defaultRange: TimeSpan { .days(30) }

    /// `GET /agencies/{agency}/stats?from=&to=`: `AgencyStats` over `[from, to)`. Each bound is an
    /// ISO-8601 instant with an offset or a date (`2026-07-01`, its UTC midnight); `to` defaults to
    /// now and `from` to 30 days before `to`. 400 when a bound does not parse, `from` is not before
    /// `to`, or the range is longer than 366 days.
    func stats(_ request: Request, agency: String) async throws -> Response {
        let query = request.uri.queryParameters
        func bound(_ name: String) throws -> Instant? {
            guard let given = query.get(name) else { return nil }
            let text = String(given)
            guard let instant = Self.instant(text) else {
                throw APIError.badRequest("\(name) must be an ISO-8601 instant with an offset or a date (2026-07-01)")
            }
            return instant
        }
        let to = try bound("to") ?? services.clock()
        let from = try bound("from") ?? to - Self.defaultRange
        guard from < to else { throw APIError.badRequest("from must be before to") }
        guard (to - from).milliseconds <= Self.maximumRange.milliseconds else {
            throw APIError.badRequest("the range from … to may cover at most 366 days")
        }
        let stats = try await store.agencyStats(agency: agency, from: from, to: to)
        return APIResponse.json(stats.json(agency: agency, from: from, to: to))
    }

    /// A date's UTC midnight, or an instant with an offset.
    static func instant(_ text: String) -> Instant? {
        if text.count == 10, text.range(of: #"^\d{4}-\d{2}-\d{2}$"#, options: .regularExpression) != nil {
            return Instant(iso8601: text + "T00:00:00Z")
        }
        guard TripRequest.hasOffset(text) else { return nil }
        return Instant(iso8601: text)
    }
}
