public import FlowEngine
public import Hummingbird
public import Steps

/// The API's request rate: `perSecond` requests a second per caller, with bursts of `burst`.
public struct RequestRateLimit: Sendable, Hashable, CustomStringConvertible {
    /// Sustained requests per second, 1–1000.
    public var perSecond: Int
    /// Requests a caller idle for a while may make at once.
    public var burst: Int

    public init(perSecond: Int = 100, burst: Int = 200) {
        self.perSecond = perSecond
        self.burst = burst
    }

    /// The token buckets' plan: `burst` tokens, one more every 1/`perSecond` s.
    var plan: RateLimiter.Plan {
        RateLimiter.Plan(capacity: burst, interval: TimeSpan(milliseconds: Int64(1000 / max(perSecond, 1))))
    }

    public var description: String { "\(perSecond)/s, burst \(burst)" }
}

/// Limits each caller to the configured `RequestRateLimit`, so that one client cannot starve the
/// others: a token bucket per API key (every route that needs one), and per client address for the
/// public routes (`/health`, `/openapi.json`, the console's pages, approval links). The Twilio
/// webhooks are not limited: they are signed, Twilio does not retry a refused status callback (the
/// delivery would be lost), and they all arrive from Twilio's addresses. Placed after the key check,
/// so a refused key costs no token.
///
/// A request over the limit is 429 `rate_limited` with `Retry-After` (whole seconds until a token
/// is back). The buckets are in memory, per daemon: with N daemons behind a balancer a caller gets
/// up to N times the rate.
public struct RequestRateLimiting<Context: AuthenticatedRequestContext & RemoteAddressRequestContext>: RouterMiddleware {
    public let limit: RequestRateLimit
    private let buckets: RateLimiter
    private let clock: @Sendable () -> Instant
    private let refused: @Sendable (_ caller: String) -> Void

    /// `refused` is told of each refusal, with the kind of caller (`key`, `address`).
    public init(
        _ limit: RequestRateLimit, clock: @escaping @Sendable () -> Instant,
        refused: @escaping @Sendable (_ caller: String) -> Void = { _ in }
    ) {
        self.limit = limit
        self.buckets = RateLimiter(plan: limit.plan)
        self.clock = clock
        self.refused = refused
    }

    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard let caller = Self.caller(request, context: context) else {
            return try await next(request, context)
        }
        let kind = caller.kind
        if let wait = buckets.acquire(key: "\(kind):\(caller.id)", now: clock()) {
            refused(kind)
            let seconds = Int((Double(wait.milliseconds) / 1000).rounded(.up))
            var error = APIError(
                .tooManyRequests, code: "rate_limited",
                message: "more than \(limit.perSecond) requests a second (bursts of \(limit.burst)) from this "
                    + (kind == "key" ? "API key" : "address") + "; retry after \(max(seconds, 1)) s")
            error.retryAfter = max(seconds, 1)
            throw error
        }
        return try await next(request, context)
    }

    /// Whom the request counts against: the key's id, else the client's address; nil for a Twilio webhook.
    static func caller(_ request: Request, context: Context) -> (kind: String, id: String)? {
        if let identity = context.identity { return ("key", identity.keyID) }
        if request.uri.path.hasPrefix("/webhooks/twilio/") { return nil }
        return ("address", context.remoteAddress?.ipAddress ?? "unknown")
    }
}
