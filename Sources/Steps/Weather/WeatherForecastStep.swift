public import FlowEngine

/// `weather.forecast`: Open-Meteo's daily forecast (`GET /v1/forecast`, keyless) at an airport of
/// the airport table for one local date there, as `{text, code, max_c, min_c,
/// precipitation_probability}` with `text` like `18 °C, chubascos` in the call's language
/// (`WeatherWords`). One attempt, a short deadline, no retry of its own: a reminder never waits
/// for the weather. Forecasts are cached per airport and date (`ForecastCache`).
///
/// Errors: an unknown airport or a date outside today…today+15 at the airport → not_found, without
/// a request (`weather.unknown_airport`, `weather.beyond_horizon`); 400 → permanent with Open-Meteo's
/// `reason`; 429/5xx/connection → transient; deadline → timeout; a day without the four values →
/// invalid_response.
public struct WeatherForecastStep: Step {
    public static let signature = StepSignature.weatherForecast

    public let cache: ForecastCache
    /// How long the request may take when the call gives no timeout.
    public var deadline: TimeSpan
    /// Days after today (at the airport) Open-Meteo forecasts: today + 15 is the 16th day.
    public static let horizonDays = 15

    public init(cache: ForecastCache = ForecastCache(lifetime: .hours(3)), deadline: TimeSpan = .seconds(3)) {
        self.cache = cache
        self.deadline = deadline
    }

    public func run(_ call: StepCall, context: StepContext) async -> StepOutcome {
        do throws(StepFailure) {
            return .success(try await forecast(call, context: context))
        } catch {
            // Debug, not info: a missing forecast is routine (the flow sends its own text) and the
            // instance's timeline already has the failure with its code.
            context.logger.debug("weather.forecast failed", metadata: ["flow.error": "\(error.code)"])
            return .failure(error)
        }
    }

    func forecast(_ call: StepCall, context: StepContext) async throws(StepFailure) -> Value {
        let args = StepArguments(call.arguments)
        let code = try args.string("airport").uppercased()
        let dateText = try args.string("date")
        let language = try args.optionalString("language")?.lowercased() ?? "es"
        guard let airport = Airports.lookup(code) else {
            throw StepFailure(.notFound, code: "weather.unknown_airport", message: Airports.unknownCode(code))
        }
        guard let date = LocalDateTime(parsing: dateText + "T00:00")?.date, dateText.count == 10 else {
            throw .badArgument("date", "must be a date YYYY-MM-DD, not '\(dateText)'")
        }
        guard let zone = ZoneRules(identifier: airport.zone) else {
            throw StepFailure(.notFound, code: "weather.unknown_airport", message: "\(code) has no known zone")
        }
        let today = zone.localDateTime(of: context.now).date
        let ahead = date.daysSinceEpoch - today.daysSinceEpoch
        guard (0...Self.horizonDays).contains(ahead) else {
            throw StepFailure(
                .notFound, code: "weather.beyond_horizon",
                message: "\(dateText) is \(ahead) days from today at \(code); Open-Meteo forecasts 0–\(Self.horizonDays)")
        }
        let key = "\(code)|\(dateText)"
        let day: DailyForecast
        if let hit = cache.entry(for: key, now: context.now) {
            day = hit
        } else {
            day = try await fetch(airport: airport, date: dateText, context: context)
            cache.store(day, under: [key], now: context.now)
        }
        guard let text = WeatherWords.text(code: day.code, maxCelsius: day.maxCelsius, language: language) else {
            throw StepFailure(
                .invalidResponse, code: "weather.unknown_code", message: "weather_code \(day.code) is not a WMO code")
        }
        return [
            "text": .string(text), "code": .number(Double(day.code)), "max_c": .number(day.maxCelsius),
            "min_c": .number(day.minCelsius), "precipitation_probability": day.precipitationProbability.map(Value.number) ?? .null,
        ]
    }

    /// The request's URL: the airport's coordinates, the four daily variables, its zone, one day.
    static func url(base: String, airport: Airport, date: String) -> String {
        let query: [(String, String)] = [
            ("latitude", String(airport.latitude)), ("longitude", String(airport.longitude)),
            ("daily", "weather_code,temperature_2m_max,temperature_2m_min,precipitation_probability_max"),
            ("timezone", airport.zone), ("start_date", date), ("end_date", date),
        ]
        return base + "/v1/forecast?" + FormEncoding.encode(query)
    }

    func fetch(airport: Airport, date: String, context: StepContext) async throws(StepFailure) -> DailyForecast {
        let request = HTTPRequestSpec(
            method: .get, url: Self.url(base: context.endpoints.openmeteo, airport: airport, date: date),
            headers: [("Accept", "application/json")])
        let response: HTTPResponseSpec
        do {
            response = try await context.transport.send(request, timeout: context.timeout ?? deadline)
        } catch {
            throw .transport(error, provider: "open-meteo")
        }
        guard response.status == 200 else { throw Self.failure(response) }
        guard let daily = JSONBody.parse(response.body)?["daily"], let day = Self.day(daily, date: date) else {
            throw StepFailure(
                .invalidResponse, code: "openmeteo.no_forecast",
                message: "the reply has no daily weather_code and temperatures for \(date)", providerStatus: 200)
        }
        return day
    }

    /// The `date` column of Open-Meteo's `daily` block (parallel arrays under `time`).
    static func day(_ daily: Value, date: String) -> DailyForecast? {
        guard let index = daily["time"]?.arrayValue?.firstIndex(where: { $0.stringValue == date }) else { return nil }
        func number(_ name: String) -> Double? {
            guard let column = daily[name]?.arrayValue, index < column.count else { return nil }
            return column[index].numberValue
        }
        guard let code = number("weather_code"), let max = number("temperature_2m_max"),
            let min = number("temperature_2m_min")
        else { return nil }
        return DailyForecast(
            code: Int(code), maxCelsius: max, minCelsius: min,
            precipitationProbability: number("precipitation_probability_max"))
    }

    static func failure(_ response: HTTPResponseSpec) -> StepFailure {
        let body = JSONBody.parse(response.body)
        let reason = String((body?["reason"]?.stringValue ?? "HTTP \(response.status)").prefix(200))
        let status = response.status
        switch status {
        case 429, 408, 500...599:
            return StepFailure(
                .transient, code: "openmeteo.\(status)", message: reason, retryAfter: RetryAfter.parse(response),
                providerStatus: status)
        default:
            return StepFailure(.permanent, code: "openmeteo.\(status)", message: reason, providerStatus: status)
        }
    }
}
