import FlowEngine
import FlowRuntime
import Foundation
import Hummingbird
import HummingbirdTesting
import HTTPTypes
import Steps
import Testing

/// The daemon's request limits through its router: one configured body limit on every route (413),
/// a rate per key and per address on the public routes (429 with `Retry-After`), and their settings.
@Suite("Request limits: body size and rate")
struct RequestLimitsTests {
    typealias A = APIFixture

    @Test("a body over the configured limit is 413 too_large on every kind of route; one within it is read")
    func bodyLimit() async throws {
        let fixture = try await A.make()
        let app = try await fixture.app { $0.maxBodyBytes = 2048 }
        try await app.test(.router) { client in
            let padding = String(repeating: "9", count: 2048)
            let big: Value = ["flow": "hold", "input": ["phone": .string("+54" + padding)]]
            // No Content-Length here: the limit holds while the body is read, not only on the header.
            for (method, uri) in [(HTTPRequest.Method.post, "/instances"), (.get, "/me"), (.post, "/events/x"),
                                  (.put, "/agencies/acme/overrides"), (.get, "/health")] {
                try await client.execute(uri: uri, method: method, headers: A.headers(fixture.acme),
                                         body: ByteBuffer(string: big.jsonText)) { response in
                    #expect(response.status == .contentTooLarge, "\(method) \(uri)")
                    let error = try A.json(response)["error"]
                    #expect(error?["code"] == "too_large", "\(method) \(uri)")
                    #expect(error?["message"]?.stringValue?.contains("2048 bytes") == true)
                }
            }
            var headers = A.headers(fixture.acme)
            headers[.contentLength] = "4096"
            try await client.execute(uri: "/instances", method: .post, headers: headers,
                                     body: ByteBuffer(string: String(repeating: " ", count: 4096))) {
                #expect($0.status == .contentTooLarge)
            }
            let (status, _) = try await A.start(client, token: fixture.acme)
            #expect(status == .created)
        }
    }

    @Test("on a virtual clock: the burst passes, the next is 429 with Retry-After, a second later one more passes")
    func rateExact() async throws {
        let clock = TestClock(DaemonFixtures.start)
        let router = Router(context: FlowRequestContext.self)
        router.add(middleware: APIErrorMiddleware())
        router.add(middleware: CallerFromHeader())
        router.add(middleware: RequestRateLimiting(RequestRateLimit(perSecond: 1, burst: 3), clock: { clock.now }))
        router.get("x") { _, _ in "ok" }
        let key: HTTPFields = [HTTPField.Name("X-Test-Key")!: "k1"]
        try await Application(router: router).test(.router) { client in
            for n in 1...3 {
                try await client.execute(uri: "/x", method: .get, headers: key) { #expect($0.status == .ok, "\(n)") }
            }
            try await client.execute(uri: "/x", method: .get, headers: key) { response in
                #expect(response.status == .tooManyRequests)
                #expect(response.headers[.retryAfter] == "1")
                let error = try A.json(response)["error"]
                #expect(error?["code"] == "rate_limited")
                #expect(error?["message"]?.stringValue?.contains("retry after 1 s") == true, "\(String(describing: error))")
            }
            // Another key, and an address, have buckets of their own.
            try await client.execute(uri: "/x", method: .get, headers: [HTTPField.Name("X-Test-Key")!: "k2"]) {
                #expect($0.status == .ok)
            }
            try await client.execute(uri: "/x", method: .get) { #expect($0.status == .ok) }
            clock.advance(.seconds(1))
            try await client.execute(uri: "/x", method: .get, headers: key) { #expect($0.status == .ok) }
            try await client.execute(uri: "/x", method: .get, headers: key) { #expect($0.status == .tooManyRequests) }
        }
    }

    @Test("in the daemon: a key over its rate is 429 with the JSON error, other keys are not starved, /metrics counts it")
    func rateLimit() async throws {
        let fixture = try await A.make()
        let app = try await fixture.app { $0.rateLimit = RequestRateLimit(perSecond: 1, burst: 3) }
        try await app.test(.router) { client in
            // Fast enough that the bucket runs dry (one token a second comes back).
            var refused: TestResponse?
            for _ in 1...50 where refused == nil {
                let response = try await client.execute(uri: "/me", method: .get, headers: A.headers(fixture.acme)) { $0 }
                if response.status == .tooManyRequests { refused = response }
            }
            let response = try #require(refused, "no request was refused")
            #expect(Int(response.headers[.retryAfter] ?? "") ?? 0 >= 1)
            #expect(try A.json(response)["error"]?["code"] == "rate_limited")
            // Another key has its own bucket; a refused key costs none (401 comes first).
            for _ in 1...5 {
                try await client.execute(uri: "/me", method: .get, headers: A.headers(fixture.revoked)) {
                    #expect($0.status == .unauthorized)
                }
            }
            try await client.execute(uri: "/me", method: .get, headers: A.headers(fixture.patagonia)) {
                #expect($0.status == .ok)
            }
            // Public routes count against the caller's address.
            var healthRefused = false
            for _ in 1...50 where !healthRefused {
                healthRefused = try await client.execute(uri: "/health", method: .get) { $0.status == .tooManyRequests }
            }
            #expect(healthRefused)
            // The Twilio webhooks are not limited (they are signed; a refused callback is lost).
            for _ in 1...10 {
                try await client.execute(uri: "/webhooks/twilio/status", method: .post) {
                    #expect($0.status != .tooManyRequests)
                }
            }
            try await client.execute(uri: "/metrics", method: .get, headers: A.headers(fixture.admin)) { response in
                let text = String(buffer: response.body)
                #expect(text.contains(#"flow_http_rate_limited_total{caller="key"}"#), "\(text.prefix(2000))")
                #expect(text.contains(#"flow_http_rate_limited_total{caller="address"}"#))
            }
        }
    }

    @Test("off, the rate limit lets every request through")
    func rateLimitOff() async throws {
        let fixture = try await A.make()
        let app = try await fixture.app { $0.rateLimit = nil }
        try await app.test(.router) { client in
            for _ in 1...300 {
                try await client.execute(uri: "/me", method: .get, headers: A.headers(fixture.acme)) {
                    #expect($0.status == .ok)
                }
            }
        }
    }

    @Test("FLOW_MAX_BODY_BYTES and FLOW_RATE_LIMIT*: defaults, values, off, and refusals naming the variable")
    func settings() throws {
        let defaults = DaemonConfiguration.resolve([try DaemonConfiguration.environment([:])], terminal: false)
        #expect(defaults.maxBodyBytes == 1024 * 1024)
        #expect(defaults.rateLimit == RequestRateLimit(perSecond: 100, burst: 200))
        let set = DaemonConfiguration.resolve([try DaemonConfiguration.environment([
            "FLOW_MAX_BODY_BYTES": "65536", "FLOW_RATE_LIMIT_PER_SECOND": "20", "FLOW_RATE_LIMIT_BURST": "40",
        ])], terminal: false)
        #expect(set.maxBodyBytes == 65536 && set.rateLimit == RequestRateLimit(perSecond: 20, burst: 40))
        let off = DaemonConfiguration.resolve([try DaemonConfiguration.environment(["FLOW_RATE_LIMIT": "off"])],
                                              terminal: false)
        #expect(off.rateLimit == nil)
        for (name, value) in [("FLOW_MAX_BODY_BYTES", "12"), ("FLOW_MAX_BODY_BYTES", "lots"),
                              ("FLOW_RATE_LIMIT_PER_SECOND", "0"), ("FLOW_RATE_LIMIT_PER_SECOND", "5000"),
                              ("FLOW_RATE_LIMIT_BURST", "-1"), ("FLOW_RATE_LIMIT", "maybe")] {
            do {
                _ = try DaemonConfiguration.environment([name: value])
                Issue.record("\(name)=\(value) was taken")
            } catch {
                #expect(error.message.contains(name), "\(error)")
            }
        }
    }

    @Test("the buckets stay bounded: past the bound, buckets refilled to capacity are dropped")
    func bucketsBounded() {
        let limiter = RateLimiter(plan: .init(capacity: 2, interval: .seconds(1)), prunedAbove: 3)
        let start = Instant(iso8601: "2026-07-08T10:00:00Z")!
        for key in ["a", "b", "c", "d"] { #expect(limiter.acquire(key: key, now: start) == nil) }
        #expect(limiter.bucketCount == 4, "none was full: none is dropped")
        #expect(limiter.acquire(key: "e", now: start + .seconds(5)) == nil)
        #expect(limiter.bucketCount == 1)
        // A dropped bucket was full, so its key gets what it would have had.
        #expect(limiter.acquire(key: "a", now: start + .seconds(5)) == nil)
        #expect(limiter.acquire(key: "a", now: start + .seconds(5)) == nil)
        #expect(limiter.acquire(key: "a", now: start + .seconds(5)) != nil)
    }
}

/// Sets the identity from `X-Test-Key` (the rate limit's tests, without keys in a store).
private struct CallerFromHeader: RouterMiddleware {
    func handle(
        _ request: Request, context: FlowRequestContext,
        next: (Request, FlowRequestContext) async throws -> Response
    ) async throws -> Response {
        var context = context
        if let key = request.headers[HTTPField.Name("X-Test-Key")!] {
            context.identity = APIIdentity(keyID: key, keyName: key, agencyID: "acme", admin: false)
        }
        return try await next(request, context)
    }
}
