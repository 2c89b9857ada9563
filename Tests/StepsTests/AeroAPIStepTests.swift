import FakeProviders
import FlowEngine
import Steps
import Testing

@Suite("aeroapi.flight against the fake")
struct AeroAPIStepTests {
    static let departure = Instant(iso8601: "2026-07-08T14:30:00Z")!
    static let eze = (iata: "EZE", icao: "SAEZ", zone: Optional("America/Argentina/Buenos_Aires"))
    static let mia = (iata: "MIA", icao: "KMIA", zone: Optional("America/New_York"))
    static let args: [String: Value] = ["ident": "AR1302", "origin": "EZE", "scheduled_departure": .instant(departure)]

    /// Three daily instances of AR1302 around the wanted one, plus one from another origin.
    static func fake(pageSize: Int = 15, plan: RateLimiter.Plan = .premium) -> (FakeProviderServer, AeroAPIFlightStep) {
        var configuration = FakeProviderServer.Configuration()
        configuration.aeroapiPageSize = pageSize
        let fake = FakeProviderServer(configuration: configuration)
        var flights: [Value] = []
        for day in -1...1 {
            var flight = FakeFlight(
                ident: "AR1302", faFlightID: "ARG1302-\(day + 10)", origin: eze, destination: mia,
                scheduledOut: departure + .days(Int64(day)), blockTime: .hours(9))
            if day == 0 {
                flight.status = "Scheduled / Delayed"
                flight.estimatedOut = departure + .minutes(40)
                flight.gateOrigin = "A12"
                flight.terminalOrigin = "A"
            }
            flights.append(flight.value)
        }
        flights.append(FakeFlight(
            ident: "AR1302", faFlightID: "ARG1302-other", origin: (iata: "COR", icao: "SACO", zone: nil), destination: mia,
            scheduledOut: departure + .minutes(30)).value)
        fake.setFlights(flights, for: "AR1302")
        return (fake, AeroAPIFlightStep(limiter: RateLimiter(plan: plan)))
    }

    @Test("picks the instance from the origin nearest the scheduled departure and normalises it")
    func snapshot() async throws {
        let (fake, step) = Self.fake()
        let outcome = await step.run(StepCall(arguments: Self.args), context: TestSupport.context(fake))
        let s = try #require(outcome.value)
        #expect(s["fa_flight_id"] == "ARG1302-10")
        #expect(s["status_parts"] == ["Scheduled", "Delayed"])
        #expect(s["scheduled_out"] == .instant(Self.departure))
        #expect(s["estimated_out"] == .instant(Self.departure + .minutes(40)))
        #expect(s["departure_delay_seconds"] == 2400)
        #expect(s["gate_origin"] == "A12")
        #expect(s["terminal_origin"] == "A")
        #expect(s["origin"]?["zone"] == "America/Argentina/Buenos_Aires")
        #expect(s["destination"]?["iata"] == "MIA")
        #expect(s["cancelled"] == false)
        #expect(s["diversion_airport"] == .null)
        let keys = Set(s.objectValue!.keys)
        for key in FlightSnapshot.timeKeys + ["gate_destination", "terminal_destination", "arrival_delay_seconds", "progress_percent"] {
            #expect(keys.contains(key), "snapshot lacks \(key)")
        }
    }

    @Test("follows links.next within the page bound and picks the nearest instance")
    func pagination() async throws {
        var args = Self.args
        args["tolerance"] = .duration(.hours(30))
        args["scheduled_departure"] = .instant(Self.departure - .days(1) + .hours(1))
        // Newest first, one flight per page: COR (+30m), ARG1302-10, ARG1302-9 (the nearest).
        let (fake, _) = Self.fake(pageSize: 1)
        let found = await AeroAPIFlightStep(limiter: RateLimiter(plan: .premium)).run(StepCall(arguments: args), context: TestSupport.context(fake))
        #expect(found.value?["fa_flight_id"] == "ARG1302-9")
        #expect(fake.requestCount(.aeroapi) == 3)

        let (bounded, _) = Self.fake(pageSize: 1)
        let step = AeroAPIFlightStep(limiter: RateLimiter(plan: .premium), maxPages: 2)
        let outcome = await step.run(StepCall(arguments: args), context: TestSupport.context(bounded))
        #expect(outcome.value?["fa_flight_id"] == "ARG1302-10")
        #expect(bounded.requestCount(.aeroapi) == 2)
    }

    @Test("a second call within five minutes is served from the cache, a later one is not")
    func cache() async throws {
        let (fake, step) = Self.fake()
        _ = await step.run(StepCall(arguments: Self.args), context: TestSupport.context(fake))
        let hit = await step.run(StepCall(arguments: Self.args), context: TestSupport.context(fake, now: TestSupport.now + .minutes(4)))
        #expect(hit.value?["fa_flight_id"] == "ARG1302-10")
        #expect(fake.requestCount(.aeroapi) == 1)
        var byID = Self.args
        byID["fa_flight_id"] = "ARG1302-10"
        _ = await step.run(StepCall(arguments: byID), context: TestSupport.context(fake, now: TestSupport.now + .minutes(4)))
        #expect(fake.requestCount(.aeroapi) == 1)
        _ = await step.run(StepCall(arguments: Self.args), context: TestSupport.context(fake, now: TestSupport.now + .minutes(6)))
        #expect(fake.requestCount(.aeroapi) == 2)
    }

    @Test("the per-key limiter answers transient with the wait until the next token")
    func rateLimit() async throws {
        let (fake, step) = Self.fake(plan: RateLimiter.Plan(capacity: 2, interval: .seconds(6)))
        let cacheless = AeroAPIFlightStep(cache: FlightSnapshotCache(lifetime: .zero), limiter: step.limiter)
        for _ in 0..<2 { #expect(await cacheless.run(StepCall(arguments: Self.args), context: TestSupport.context(fake)).value != nil) }
        let limited = await cacheless.run(StepCall(arguments: Self.args), context: TestSupport.context(fake))
        #expect(limited.failure?.errorClass == .transient)
        #expect(limited.failure?.code == "aeroapi.rate_limited")
        #expect(limited.failure?.retryAfter == .seconds(6))
        #expect(fake.requestCount(.aeroapi) == 2)
        let later = await cacheless.run(StepCall(arguments: Self.args), context: TestSupport.context(fake, now: TestSupport.now + .seconds(6)))
        #expect(later.value != nil)
    }


    @Test("provider errors map into the taxonomy; 429 is never not_found", arguments: [
        ProviderErrorCase(reply: .aeroapiError(status: 429), errorClass: .transient, code: "aeroapi.429", retryAfter: .seconds(6)),
        ProviderErrorCase(reply: .aeroapiError(status: 429, retryAfterSeconds: 20), errorClass: .transient, code: "aeroapi.429",
                  retryAfter: .seconds(20)),
        ProviderErrorCase(reply: .aeroapiError(status: 500), errorClass: .transient, code: "aeroapi.500"),
        ProviderErrorCase(reply: .aeroapiError(status: 503), errorClass: .transient, code: "aeroapi.503"),
        ProviderErrorCase(reply: .aeroapiError(status: 404), errorClass: .notFound, code: "aeroapi.404"),
        ProviderErrorCase(reply: .aeroapiError(status: 401), errorClass: .permanent, code: "aeroapi.401"),
        ProviderErrorCase(reply: .aeroapiError(status: 403), errorClass: .permanent, code: "aeroapi.403"),
        ProviderErrorCase(reply: .aeroapiError(status: 400), errorClass: .permanent, code: "aeroapi.400"),
        ProviderErrorCase(reply: .raw(HTTPResponseSpec(status: 200, text: "{\"oops\":1}")), errorClass: .invalidResponse,
                  code: "aeroapi.invalid_response"),
    ])
    func errors(_ c: ProviderErrorCase) async throws {
        let (fake, step) = Self.fake()
        fake.script(.aeroapi, [c.reply])
        let failure = try #require(await step.run(StepCall(arguments: Self.args), context: TestSupport.context(fake)).failure)
        #expect(failure.errorClass == c.errorClass)
        #expect(failure.code == c.code)
        if let wait = c.retryAfter { #expect(failure.retryAfter == wait) }
    }

    @Test("no matching instance, an unknown ident, a bad key and a timeout")
    func otherFailures() async throws {
        let (fake, step) = Self.fake()
        var wrongOrigin = Self.args
        wrongOrigin["origin"] = "AEP"
        #expect(await step.run(StepCall(arguments: wrongOrigin), context: TestSupport.context(fake)).failure?.errorClass == .notFound)
        var unknown = Self.args
        unknown["ident"] = "ZZ999"
        #expect(await step.run(StepCall(arguments: unknown), context: TestSupport.context(fake)).failure?.code
            == "aeroapi.no_matching_instance")
        var badKey = TestSupport.context(fake)
        badKey.credentials.aeroapiKey = Secret("wrong")
        #expect(await step.run(StepCall(arguments: Self.args), context: badKey).failure?.code == "aeroapi.401")
        fake.script(.aeroapi, [.delayed(.seconds(2))])
        let slow = await step.run(StepCall(arguments: Self.args), context: TestSupport.context(fake, timeout: TimeSpan(milliseconds: 100)))
        #expect(slow.failure?.errorClass == .timeout)
    }

    @Test("a diverted flight followed by fa_flight_id")
    func followsInstance() async throws {
        let fake = FakeProviderServer()
        var flight = FakeFlight(ident: "BA820", faFlightID: "BAW820-1", origin: Self.eze, destination: Self.mia, scheduledOut: Self.departure)
        flight.diverted = true
        flight.status = "Diverted"
        fake.setFlights([flight.value], for: "BA820")
        let args: [String: Value] = [
            "ident": "BA820", "origin": "EZE", "scheduled_departure": .instant(Self.departure), "fa_flight_id": "BAW820-1",
        ]
        let s = try #require(await AeroAPIFlightStep().run(StepCall(arguments: args), context: TestSupport.context(fake)).value)
        #expect(s["diverted"] == true)
        #expect(s["diversion_airport"] == "MIA")
        #expect(s["status_parts"] == ["Diverted"])
    }
}
