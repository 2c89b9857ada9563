import FakeProviders
import FlowEngine
import Steps
import Testing

@Suite("weather.forecast against the fake Open-Meteo")
struct WeatherForecastStepTests {
    static let now = TestSupport.now  // 2026-07-08T10:00:00Z
    static let madrid = Airports.lookup("MAD")!

    /// A fake whose clock is the test's now, with Madrid's forecast for 9 July.
    static func fake() -> FakeProviderServer {
        let fake = FakeProviderServer(clock: { now })
        fake.setForecast(
            FakeForecast(code: 81, maxCelsius: 18.4, minCelsius: 9.1, precipitationProbability: 60),
            latitude: madrid.latitude, longitude: madrid.longitude, date: "2026-07-09")
        return fake
    }

    static func call(_ language: String? = nil, airport: String = "MAD", date: String = "2026-07-09") -> StepCall {
        var arguments: [String: Value] = ["airport": .string(airport), "date": .string(date)]
        if let language { arguments["language"] = .string(language) }
        return StepCall(arguments: arguments)
    }

    @Test("a forecast: the text in the traveller's language and the day's numbers")
    func present() async throws {
        let fake = Self.fake()
        let step = WeatherForecastStep()
        let value = try #require(await step.run(Self.call(), context: TestSupport.context(fake)).value)
        #expect(value == [
            "text": "18 °C, chubascos", "code": 81, "max_c": 18.4, "min_c": 9.1, "precipitation_probability": 60,
        ])
        let english = await WeatherForecastStep().run(Self.call("en"), context: TestSupport.context(fake)).value
        #expect(english?["text"] == "18 °C, showers")
        let portuguese = await WeatherForecastStep().run(Self.call("pt"), context: TestSupport.context(fake)).value
        #expect(portuguese?["text"] == "18 °C, pancadas de chuva")
    }

    @Test("the request carries the airport's coordinates, zone, the four daily variables and one day")
    func request() async throws {
        let fake = Self.fake()
        let recording = RecordingTransport(wrapping: fake)
        _ = await WeatherForecastStep().run(Self.call(), context: TestSupport.context(fake, transport: recording))
        let url = try #require(recording.exchanges.first?.request.url)
        #expect(url.hasPrefix("http://fake.local/openmeteo/v1/forecast?latitude=40.4936&longitude=-3.5668&"))
        #expect(url.contains("daily=weather_code%2Ctemperature_2m_max%2Ctemperature_2m_min%2Cprecipitation_probability_max"))
        #expect(url.contains("timezone=Europe%2FMadrid"))
        #expect(url.hasSuffix("start_date=2026-07-09&end_date=2026-07-09"))
    }

    @Test("a second call for the same destination and day is answered from the cache")
    func cacheHit() async throws {
        let fake = Self.fake()
        fake.setForecast(
            FakeForecast(code: 0, maxCelsius: 25, minCelsius: 14), latitude: Self.madrid.latitude,
            longitude: Self.madrid.longitude, date: "2026-07-10")
        let step = WeatherForecastStep()
        _ = await step.run(Self.call(), context: TestSupport.context(fake))
        let again = await step.run(Self.call("en"), context: TestSupport.context(fake, now: Self.now + .minutes(30)))
        #expect(again.value?["text"] == "18 °C, showers")
        #expect(fake.requestCount(.openmeteo) == 1)
        // Another day is another entry; the cache's lifetime (3h) passed is a new request.
        _ = await step.run(Self.call(date: "2026-07-10"), context: TestSupport.context(fake))
        _ = await step.run(Self.call(), context: TestSupport.context(fake, now: Self.now + .hours(4)))
        #expect(fake.requestCount(.openmeteo) == 3)
        #expect(step.cache.count == 2)
    }

    @Test("Open-Meteo's 400 is permanent with its reason; 500 and 429 are transient", arguments: [
        ProviderErrorCase(reply: .openMeteoError(status: 400, reason: "Parameter 'start_date' is out of allowed range"),
                          errorClass: .permanent, code: "openmeteo.400"),
        ProviderErrorCase(reply: .openMeteoError(status: 500, reason: "Internal Server Error"),
                          errorClass: .transient, code: "openmeteo.500"),
        ProviderErrorCase(reply: .openMeteoError(status: 429, reason: "Minutely API request limit exceeded"),
                          errorClass: .transient, code: "openmeteo.429"),
    ])
    func errors(_ error: ProviderErrorCase) async throws {
        let fake = Self.fake()
        fake.script(.openmeteo, [error.reply])
        let step = WeatherForecastStep()
        let failure = try #require(await step.run(Self.call(), context: TestSupport.context(fake)).failure)
        #expect(failure.errorClass == error.errorClass)
        #expect(failure.code == error.code)
        if error.code == "openmeteo.400" { #expect(failure.message.contains("out of allowed range")) }
        #expect(step.cache.count == 0)
    }

    @Test("a fake's own 400 for a date past its 16 days is the same permanent failure")
    func fakeRefusesFarDates() async throws {
        let fake = Self.fake()
        // The step's horizon is the airport's today + 15; a step that skipped it would get the 400.
        let failure = try #require(
            await WeatherForecastStep().run(Self.call(date: "2026-07-24"), context: TestSupport.context(fake)).failure)
        #expect(failure.errorClass == .notFound)
        #expect(failure.code == "weather.beyond_horizon")
        #expect(fake.requestCount(.openmeteo) == 0)
        // The 16th day (today + 15) is still asked.
        _ = await WeatherForecastStep().run(Self.call(date: "2026-07-23"), context: TestSupport.context(fake))
        #expect(fake.requestCount(.openmeteo) == 1)
    }

    @Test("an answer slower than the deadline is a timeout, not cached")
    func timeout() async throws {
        let fake = Self.fake()
        fake.script(.openmeteo, [.delayed(.seconds(30))])
        let step = WeatherForecastStep(deadline: TimeSpan(milliseconds: 200))
        let failure = try #require(await step.run(Self.call(), context: TestSupport.context(fake)).failure)
        #expect(failure.errorClass == .timeout)
        #expect(failure.code == "transport.timeout")
        #expect(step.cache.count == 0)
    }

    @Test("an unknown airport and a day the answer lacks fail without a text", arguments: [
        ("XXX", "2026-07-09", "weather.unknown_airport"), ("MAD", "2026-07-12", "openmeteo.no_forecast"),
        ("MAD", "2026-07-01", "weather.beyond_horizon"),
    ])
    func absent(airport: String, date: String, code: String) async throws {
        let failure = try #require(
            await WeatherForecastStep().run(Self.call(airport: airport, date: date), context: TestSupport.context(Self.fake()))
                .failure)
        #expect(failure.code == code)
    }

    @Test("every WMO code has words in each language", arguments: WeatherWords.languages)
    func words(language: String) {
        for code in [0, 1, 2, 3, 45, 48, 51, 53, 55, 56, 57, 61, 63, 65, 66, 67, 71, 73, 75, 77, 80, 81, 82, 85, 86, 95, 96, 99] {
            #expect(WeatherWords.words(code: code, language: language) != nil, "\(code) \(language)")
        }
        #expect(WeatherWords.words(code: 4, language: language) == nil)
    }
}
