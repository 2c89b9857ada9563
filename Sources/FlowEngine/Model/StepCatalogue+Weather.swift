extension StepSignature {
    /// The daily forecast at an airport for one local date, from Open-Meteo (`docs/providers.md`),
    /// as a short text in the traveller's language.
    public static let weatherForecast = StepSignature(
        name: "weather.forecast",
        summary: "Open-Meteo's daily forecast at an airport for one local date: {text, code, max_c, min_c, precipitation_probability}",
        parameters: [
            .init("airport", .string, "IATA code of a known airport (its coordinates and zone come from the airport table)"),
            .init("date", .string, "the local date at the airport, YYYY-MM-DD (today up to 15 days ahead)"),
            .init("language", .string, required: false, "es (default), en or pt: the language of `text`"),
        ],
        result: .object,
        sideEffects: false,
        errors: [.transient, .permanent, .notFound, .timeout, .invalidResponse]
    )
}
