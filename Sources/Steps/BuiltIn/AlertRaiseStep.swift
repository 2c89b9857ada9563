public import FlowEngine

/// `alert.raise`: an operations alert in the instance's timeline (`alert` entry with `code` and
/// `message`). Touches nothing outside the instance. Result: `{code, message}`.
public struct AlertRaiseStep: Step {
    public static var signature: StepSignature { .alertRaise }

    public init() {}

    public func run(_ call: StepCall, context: StepContext) async -> StepOutcome {
        .success(["code": .string(Self.code(call)), "message": .string(Self.message(call))])
    }

    public func notes(for outcome: StepOutcome, call: StepCall, context: StepContext) -> [TimelineEntry] {
        [.alert(code: Self.code(call), message: Self.message(call))]
    }

    private static func code(_ call: StepCall) -> String { call.arguments["code"]?.stringValue ?? "ALERT" }
    private static func message(_ call: StepCall) -> String { call.arguments["message"]?.stringValue ?? "" }
}
