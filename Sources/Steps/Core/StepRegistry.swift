public import FlowEngine

/// The steps a runtime can execute, by name, and their signatures for the validator.
public struct StepRegistry: Sendable {
    public private(set) var steps: [String: any Step]

    public init(_ steps: [any Step] = []) {
        self.steps = [:]
        for step in steps { register(step) }
    }

    /// Twilio, AeroAPI and OpenAI steps sharing one flight cache and rate limiter.
    public static func providers(aeroapi: AeroAPIFlightStep = AeroAPIFlightStep()) -> StepRegistry {
        StepRegistry([TwilioSendTemplateStep(), TwilioSendTextStep(), aeroapi, OpenAIChatStep()])
    }

    public mutating func register(_ step: any Step) {
        steps[type(of: step).signature.name] = step
    }

    public subscript(name: String) -> (any Step)? { steps[name] }

    /// The signatures of the registered steps.
    public var signatures: StepCatalogue { StepCatalogue(steps.values.map { type(of: $0).signature }) }
}
