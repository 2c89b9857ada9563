public import FlowEngine
public import FlowRuntime
public import Steps

/// `flight.diff` as a step: the pure `FlightDiff` over the call's arguments.
public struct FlightDiffStep: Step {
    public static var signature: StepSignature { .flightDiff }

    public init() {}

    public func run(_ call: StepCall, context: StepContext) async -> StepOutcome { runPure(call.arguments) }

    func runPure(_ arguments: [String: Value]) -> StepOutcome {
        guard let current = arguments["current"], current.objectValue != nil else {
            return .failure(StepFailure(.expression, code: "step.bad_argument", message: "argument 'current' must be an object"))
        }
        let previous = arguments["previous"].flatMap { $0.isNull ? nil : $0 }
        var threshold = FlightDiff.defaultThreshold
        if let value = arguments["delay_threshold"] {
            guard let span = value.durationValue ?? value.stringValue.flatMap(TimeSpan.init(parsing:)) else {
                return .failure(StepFailure(.expression, code: "step.bad_argument", message: "delay_threshold must be a duration"))
            }
            threshold = span
        }
        return .success(FlightDiff.evaluate(previous: previous, current: current, threshold: threshold))
    }
}
