/// One day of Open-Meteo's `daily` block: the WMO code, the temperatures and the precipitation chance.
public struct DailyForecast: Sendable, Hashable {
    public var code: Int
    public var maxCelsius: Double
    public var minCelsius: Double
    /// Percent; nil when the model has none for the day.
    public var precipitationProbability: Double?

    public init(code: Int, maxCelsius: Double, minCelsius: Double, precipitationProbability: Double?) {
        self.code = code
        self.maxCelsius = maxCelsius
        self.minCelsius = minCelsius
        self.precipitationProbability = precipitationProbability
    }
}
