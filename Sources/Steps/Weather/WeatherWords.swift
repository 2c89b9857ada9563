/// WMO weather interpretation codes (WW, as Open-Meteo's `weather_code` gives them) in words, per
/// language, and the one-line text a reminder shows: `18 °C, chubascos`.
public enum WeatherWords {
    /// The languages with words: `es` (the default for any other), `en`, `pt`.
    public static let languages = ["es", "en", "pt"]

    /// The words for a WMO code in `language` (`es` when the language has none); nil for a code
    /// outside the WMO table.
    public static func words(code: Int, language: String) -> String? {
        let table = tables[language.lowercased()] ?? tables["es"]!
        guard let index = groups.firstIndex(where: { $0.contains(code) }) else { return nil }
        return table[index]
    }

    /// `<max> °C, <words>`, the maximum rounded to whole degrees.
    public static func text(code: Int, maxCelsius: Double, language: String) -> String? {
        guard let words = words(code: code, language: language) else { return nil }
        return "\(Int(maxCelsius.rounded())) °C, \(words)"
    }

    /// The codes of each row of the tables, in order.
    static let groups: [Set<Int>] = [
        [0], [1], [2], [3], [45, 48], [51, 53, 55], [56, 57], [61], [63], [65], [66, 67], [71], [73], [75], [77],
        [80], [81], [82], [85, 86], [95], [96, 99],
    ]

    static let tables: [String: [String]] = [
        "es": [
            "despejado", "mayormente despejado", "parcialmente nublado", "nublado", "niebla", "llovizna",
            "llovizna helada", "lluvia débil", "lluvia", "lluvia intensa", "lluvia helada", "nevada débil", "nevada",
            "nevada intensa", "granizo fino", "chubascos débiles", "chubascos", "chubascos fuertes", "chubascos de nieve",
            "tormenta", "tormenta con granizo",
        ],
        "en": [
            "clear sky", "mainly clear", "partly cloudy", "overcast", "fog", "drizzle", "freezing drizzle",
            "light rain", "rain", "heavy rain", "freezing rain", "light snow", "snow", "heavy snow", "snow grains",
            "light showers", "showers", "heavy showers", "snow showers", "thunderstorm", "thunderstorm with hail",
        ],
        "pt": [
            "céu limpo", "predominantemente limpo", "parcialmente nublado", "nublado", "nevoeiro", "garoa",
            "garoa congelante", "chuva fraca", "chuva", "chuva forte", "chuva congelante", "neve fraca", "neve",
            "neve forte", "grãos de neve", "pancadas fracas", "pancadas de chuva", "pancadas fortes",
            "pancadas de neve", "trovoada", "trovoada com granizo",
        ],
    ]
}
