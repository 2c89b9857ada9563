public import FlowEngine

/// The steps a runtime can execute, by name, and their signatures for the validator.
public struct StepRegistry: Sendable {
    public private(set) var steps: [String: any Step]

    public init(_ steps: [any Step] = []) {
        self.steps = [:]
        for step in steps { register(step) }
    }

    /// The built-ins, the Twilio, AeroAPI, OpenAI and Open-Meteo (`weather.forecast`) steps (sharing one flight cache and rate
    /// limiter; OpenAI's calls costed with the default prices unless `openai` says otherwise) and
    /// `http.request`. A product adds its own steps with `register(_:)`.
    public static func providers(
        aeroapi: AeroAPIFlightStep = AeroAPIFlightStep(), openai: OpenAIChatStep = OpenAIChatStep(),
        weather: WeatherForecastStep = WeatherForecastStep()
    ) -> StepRegistry {
        StepRegistry([
            AlertRaiseStep(), NoteSuppressedStep(), TwilioSendTemplateStep(), TwilioSendTextStep(), TwilioSendMediaStep(),
            aeroapi, openai, HTTPRequestStep(), weather,
        ])
    }

    /// This registry with `steps` added (a product's), replacing any of the same name.
    public func adding(_ steps: [any Step]) -> StepRegistry {
        var copy = self
        for step in steps { copy.register(step) }
        return copy
    }

    public mutating func register(_ step: any Step) {
        steps[type(of: step).signature.name] = step
    }

    public subscript(name: String) -> (any Step)? { steps[name] }

    /// The signatures of the registered steps.
    public var signatures: StepCatalogue { StepCatalogue(steps.values.map { type(of: $0).signature }) }
}
