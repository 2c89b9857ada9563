public import FlowEngine

/// `note.suppressed`: records in the instance's timeline that something was deliberately not sent
/// (a suggestion the user opted out of, one inside its cool-down) as a `suppressed` entry with
/// `type`, `status: suppressed` and `reason` — the entry `notify.send` writes when a cap stops a
/// message. Touches nothing outside the instance. Result: `{type, reason}`.
public struct NoteSuppressedStep: Step {
    public static var signature: StepSignature { .noteSuppressed }

    public init() {}

    public func run(_ call: StepCall, context: StepContext) async -> StepOutcome {
        .success(["type": .string(Self.type(call)), "reason": .string(Self.reason(call))])
    }

    public func notes(for outcome: StepOutcome, call: StepCall, context: StepContext) -> [TimelineEntry] {
        [.suppressed(
            result: ["type": .string(Self.type(call)), "status": "suppressed", "reason": .string(Self.reason(call))],
            localTime: nil, deferredFrom: .null)]
    }

    private static func type(_ call: StepCall) -> String { call.arguments["type"]?.stringValue ?? "" }
    private static func reason(_ call: StepCall) -> String { call.arguments["reason"]?.stringValue ?? "" }
}
