import FlowBenchCases
import FlowEngine
import FlowRuntime

/// How each step call of a recorded history ended, by call id and attempt — the answers that
/// replay the same instance through the interpreter alone (`InstanceReplay`). A `step_called`
/// entry is paired with the next `step_succeeded` or `step_failed` of the same state, step and
/// attempt (a polling loop calls the same step again with a new call id; the case's flows run
/// one call at a time per state).
struct RecordedAnswers {
    private var answers: [String: ReplayAnswer] = [:]

    init(_ history: [HistoryEntry]) {
        var pending: [String: String] = [:]
        for entry in history {
            let details = entry.details
            let attempt = details["attempt"]?.intValue ?? 1
            let call = "\(details["state"]?.stringValue ?? "")/\(details["step"]?.stringValue ?? "")/\(attempt)"
            switch entry.kind {
            case .stepCalled:
                if let id = entry.entry.callID { pending[call] = id }
            case .stepSucceeded:
                if let id = pending.removeValue(forKey: call) {
                    answers[Self.key(id, attempt)] = .succeeded(details["output"] ?? .null)
                }
            case .stepFailed:
                if let id = pending.removeValue(forKey: call) {
                    let error = details["error"]
                    answers[Self.key(id, attempt)] = .failed(StepError(
                        error?["class"]?.stringValue.flatMap(ErrorClass.init(rawValue:)) ?? .permanent,
                        code: error?["code"]?.stringValue, message: error?["message"]?.stringValue ?? "failed"))
                }
            default:
                break
            }
        }
    }

    func answer(_ call: StepInvocation) -> ReplayAnswer? {
        answers[Self.key(call.callID, call.attempt)]
    }

    private static func key(_ callID: String, _ attempt: Int) -> String { "\(callID)#\(attempt)" }
}
