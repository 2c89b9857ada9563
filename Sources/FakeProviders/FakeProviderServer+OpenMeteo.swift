import FlowEngine
import Steps

extension FakeProviderServer {
    /// Open-Meteo's `GET /v1/forecast` (under `/openmeteo`), as `docs/providers.md` describes it:
    /// `latitude`, `longitude`, `daily`, `timezone`, `start_date`, `end_date` checked; an unknown
    /// daily variable, a bad coordinate or a date outside today…today+15 is a 400
    /// `{"error": true, "reason": …}`; the answer's `daily` has `time` and one column per variable,
    /// from the forecasts set with `setForecast` (null for a day with none).
    func handleOpenMeteo(_ request: FakeRequest) async -> HTTPResponseSpec {
        countRequest(.openmeteo)
        guard request.method == "GET" else { return Self.meteoError(405, "Method not allowed") }
        guard let latitude = request.queryValue("latitude").flatMap(Double.init), (-90...90).contains(latitude),
            let longitude = request.queryValue("longitude").flatMap(Double.init), (-180...180).contains(longitude)
        else { return Self.meteoError(400, "Latitude must be in range of -90 to 90°. Longitude in range of -180 to 180°.") }
        let variables = (request.queryValue("daily") ?? "").split(separator: ",").map(String.init)
        let known = ["weather_code", "temperature_2m_max", "temperature_2m_min", "precipitation_probability_max"]
        if let unknown = variables.first(where: { !known.contains($0) }) {
            return Self.meteoError(400, "Cannot initialize ForecastVariableDaily from invalid String value \(unknown).")
        }
        guard let zoneName = request.queryValue("timezone"), let zone = ZoneRules(identifier: zoneName) else {
            return Self.meteoError(400, "Invalid timezone")
        }
        guard let startText = request.queryValue("start_date"), let endText = request.queryValue("end_date"),
            let start = LocalDateTime(parsing: startText + "T00:00")?.date,
            let end = LocalDateTime(parsing: endText + "T00:00")?.date, start <= end
        else { return Self.meteoError(400, "Parameter 'start_date' and 'end_date' must be dates YYYY-MM-DD") }
        let today = zone.localDateTime(of: clock()).date.daysSinceEpoch
        guard start.daysSinceEpoch >= today, end.daysSinceEpoch <= today + 15 else {
            return Self.meteoError(
                400, "Parameter 'start_date' is out of allowed range from \(Self.dateText(today)) to \(Self.dateText(today + 15))")
        }

        switch nextReply(.openmeteo) {
        case .normal: break
        case .delayed(let span): try? await Task.sleep(for: .milliseconds(span.milliseconds))
        case .openMeteoError(let status, let reason): return Self.meteoError(status, reason)
        case .raw(let response): return response
        default: return Self.meteoError(500, "Internal Server Error")
        }

        let key = FakeForecast.key(latitude: latitude, longitude: longitude)
        let days = (start.daysSinceEpoch...end.daysSinceEpoch).map(Self.dateText)
        let forecasts = state.withLock { state in days.map { state.forecasts[key + "|" + $0] } }
        var daily: [String: Value] = ["time": .array(days.map(Value.string))]
        for variable in variables {
            daily[variable] = .array(forecasts.map { $0?.value(variable) ?? .null })
        }
        var units: [String: Value] = ["time": "iso8601"]
        for variable in variables {
            units[variable] = .string(variable == "weather_code" ? "wmo code" : variable.hasPrefix("temperature") ? "°C" : "%")
        }
        return Self.json(200, [
            "latitude": .number(latitude), "longitude": .number(longitude), "generationtime_ms": 0.1,
            "utc_offset_seconds": .number(Double(zone.offset(at: clock()))), "timezone": .string(zoneName),
            "timezone_abbreviation": "", "elevation": 10, "daily_units": .object(units), "daily": .object(daily),
        ])
    }

    /// The forecast the fake answers for the coordinates (as the airport table gives them) on `date` (YYYY-MM-DD).
    public func setForecast(_ forecast: FakeForecast, latitude: Double, longitude: Double, date: String) {
        state.withLock { $0.forecasts[FakeForecast.key(latitude: latitude, longitude: longitude) + "|" + date] = forecast }
    }

    /// `YYYY-MM-DD` of a day counted from 1970-01-01.
    static func dateText(_ daysSinceEpoch: Int) -> String {
        String(LocalDateTime(date: CivilDate(daysSinceEpoch: daysSinceEpoch), hour: 0, minute: 0).description.prefix(10))
    }

    static func meteoError(_ status: Int, _ reason: String) -> HTTPResponseSpec {
        json(status, ["error": true, "reason": .string(reason)])
    }
}

/// One day the fake Open-Meteo forecasts at a place.
public struct FakeForecast: Sendable, Hashable {
    public var code: Int
    public var maxCelsius: Double
    public var minCelsius: Double
    public var precipitationProbability: Double?

    public init(code: Int, maxCelsius: Double, minCelsius: Double, precipitationProbability: Double? = nil) {
        self.code = code
        self.maxCelsius = maxCelsius
        self.minCelsius = minCelsius
        self.precipitationProbability = precipitationProbability
    }

    static func key(latitude: Double, longitude: Double) -> String {
        "\((latitude * 10_000).rounded())|\((longitude * 10_000).rounded())"
    }

    func value(_ variable: String) -> Value {
        switch variable {
        case "weather_code": .number(Double(code))
        case "temperature_2m_max": .number(maxCelsius)
        case "temperature_2m_min": .number(minCelsius)
        case "precipitation_probability_max": precipitationProbability.map(Value.number) ?? .null
        default: .null
        }
    }
}
