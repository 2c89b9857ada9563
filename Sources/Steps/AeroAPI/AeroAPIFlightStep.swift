public import FlowEngine

/// `aeroapi.flight`: `GET /flights/{ident}` with `x-apikey`, a `start`/`end` window around the
/// scheduled departure, `links.next` pagination up to `maxPages` (the window keeps results to a page or two); picks the instance departing
/// `origin` closest to `scheduled_departure` (within `tolerance`), or the one with `fa_flight_id`,
/// and returns its `FlightSnapshot`. Snapshots are cached per instance; calls are rate-limited
/// per API key. Errors: 429/5xx/connection → transient (with `retryAfter`), 404 or no matching
/// instance → not_found, 400/401/403 → permanent, deadline → timeout.
public struct AeroAPIFlightStep: Step {
    public static let signature = StepSignature.aeroapiFlight

    public let cache: FlightSnapshotCache
    public let limiter: RateLimiter
    /// Pages fetched at most per call (each counts against the plan).
    public var maxPages: Int
    /// `retryAfter` for a provider 429 without a `Retry-After` header.
    public var defaultBackoff: TimeSpan

    public init(
        cache: FlightSnapshotCache = FlightSnapshotCache(lifetime: .minutes(5)),
        limiter: RateLimiter = RateLimiter(plan: .personal), maxPages: Int = 3, defaultBackoff: TimeSpan = .seconds(6)
    ) {
        self.cache = cache
        self.limiter = limiter
        self.maxPages = max(maxPages, 1)
        self.defaultBackoff = defaultBackoff
    }

    public func run(_ call: StepCall, context: StepContext) async -> StepOutcome {
        do throws(StepFailure) {
            return .success(try await lookup(call, context: context))
        } catch {
            context.logger.info("aeroapi.flight failed", metadata: ["flow.error": "\(error.code)"])
            return .failure(error)
        }
    }

    func lookup(_ call: StepCall, context: StepContext) async throws(StepFailure) -> Value {
        let args = StepArguments(call.arguments)
        let ident = try args.string("ident")
        guard !ident.isEmpty, Self.isIdent(ident) else {
            throw .badArgument("ident", "must be letters, digits and dashes")
        }
        let origin = try args.string("origin").uppercased()
        let scheduled = try args.instant("scheduled_departure")
        let tolerance = try args.optionalDuration("tolerance") ?? .hours(2)
        let faFlightID = try args.optionalString("fa_flight_id")
        guard let key = context.credentials.aeroapiKey else { throw .missingCredential("AEROAPI_KEY") }

        let requestKey = "\(ident)|\(origin)|\(scheduled.epochSeconds)"
        if let id = faFlightID, let hit = cache.entry(for: "fa:" + id, now: context.now) { return hit }
        if let hit = cache.entry(for: requestKey, now: context.now) { return hit }

        var url: String? = firstURL(
            base: context.endpoints.aeroapi, ident: faFlightID ?? ident, byID: faFlightID != nil,
            scheduled: scheduled, tolerance: tolerance)
        var pages = 0
        var flights: [[String: Value]] = []
        while let next = url, pages < maxPages {
            pages += 1
            if let wait = limiter.acquire(key: key.exposed, now: context.now) {
                throw StepFailure(
                    .transient, code: "aeroapi.rate_limited", message: "local AeroAPI rate limit reached", retryAfter: wait)
            }
            let page = try await fetch(next, key: key, context: context)
            flights += (page["flights"]?.arrayValue ?? []).compactMap(\.objectValue)
            url = page["links"]?["next"]?.stringValue.map { Self.resolve($0, base: context.endpoints.aeroapi) }
        }
        if let match = Self.pick(flights, faFlightID: faFlightID, origin: origin, scheduled: scheduled, tolerance: tolerance) {
            let snapshot = FlightSnapshot.make(from: match, fetchedAt: context.now)
            var keys = [requestKey]
            if let id = match["fa_flight_id"]?.stringValue { keys.append("fa:" + id) }
            cache.store(snapshot, under: keys, now: context.now)
            return snapshot
        }
        throw StepFailure(
            .notFound, code: "aeroapi.no_matching_instance",
            message: "no \(ident) departing \(origin) within \(tolerance) of \(scheduled.iso8601) (\(pages) page(s))")
    }

    /// Letters, digits and dashes only. Text of ASCII letters, digits and dashes (flight numbers)
    /// passes on bytes, each such byte being a character of its own; anything else is checked by
    /// characters, as before.
    static func isIdent(_ ident: String) -> Bool {
        for byte in ident.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"):
                continue
            default:
                return ident.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" }
            }
        }
        return true
    }

    func firstURL(base: String, ident: String, byID: Bool, scheduled: Instant, tolerance: TimeSpan) -> String {
        let path = "\(base)/flights/\(FormEncoding.escape(ident))"
        if byID { return path + "?ident_type=fa_flight_id" }
        let query: [(String, String)] = [
            ("start", (scheduled - tolerance).iso8601), ("end", (scheduled + tolerance + .seconds(1)).iso8601),
            ("max_pages", "1"),
        ]
        return path + "?" + FormEncoding.encode(query)
    }

    func fetch(_ url: String, key: Secret, context: StepContext) async throws(StepFailure) -> Value {
        let request = HTTPRequestSpec(
            method: .get, url: url, headers: [("x-apikey", key.exposed), ("Accept", "application/json")])
        let response: HTTPResponseSpec
        do {
            response = try await context.transport.send(request, timeout: context.timeout ?? .seconds(10))
        } catch {
            throw .transport(error, provider: "aeroapi")
        }
        guard response.status == 200 else { throw failure(response) }
        guard let page = JSONBody.parse(response.body), page["flights"]?.arrayValue != nil
        else {
            throw StepFailure(
                .invalidResponse, code: "aeroapi.invalid_response", message: "the reply has no flights list",
                providerStatus: 200)
        }
        return page
    }

    func failure(_ response: HTTPResponseSpec) -> StepFailure {
        let body = JSONBody.parse(response.body)
        let title = body?["title"]?.stringValue ?? body?["detail"]?.stringValue ?? "HTTP \(response.status)"
        let message = String(title.prefix(200))
        let status = response.status
        switch status {
        case 429:
            let wait = RetryAfter.parse(response) ?? defaultBackoff
            return StepFailure(.transient, code: "aeroapi.429", message: message, retryAfter: wait, providerStatus: status)
        case 500...599, 408:
            return StepFailure(
                .transient, code: "aeroapi.\(status)", message: message, retryAfter: RetryAfter.parse(response),
                providerStatus: status)
        case 404:
            return StepFailure(.notFound, code: "aeroapi.404", message: message, providerStatus: status)
        default:
            return StepFailure(.permanent, code: "aeroapi.\(status)", message: message, providerStatus: status)
        }
    }

    /// The instance with `faFlightID` (the last one: a diversion shares the id), else the one
    /// departing `origin` with the scheduled departure closest to `scheduled`, within tolerance.
    static func pick(
        _ flights: [[String: Value]], faFlightID: String?, origin: String, scheduled: Instant, tolerance: TimeSpan
    ) -> [String: Value]? {
        if let faFlightID { return flights.last { $0["fa_flight_id"]?.stringValue == faFlightID } }
        var best: (flight: [String: Value], distance: Int64)?
        for flight in flights where FlightSnapshot.originCodes(flight).contains(origin) {
            guard let departure = FlightSnapshot.scheduledDeparture(flight) else { continue }
            let distance = abs((departure - scheduled).milliseconds)
            guard distance <= tolerance.milliseconds else { continue }
            if best == nil || distance < best!.distance { best = (flight, distance) }
        }
        return best?.flight
    }

    /// `links.next` is usually relative to the base URL including `/aeroapi`; absolute URLs are used as-is.
    static func resolve(_ next: String, base: String) -> String {
        if next.hasPrefix("http://") || next.hasPrefix("https://") { return next }
        return base + (next.hasPrefix("/") ? next : "/" + next)
    }
}
