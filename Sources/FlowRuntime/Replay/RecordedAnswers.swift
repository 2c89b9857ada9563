public import FlowEngine
public import Steps

/// What the providers answered a recorded instance, read from its timeline (`step_called` paired
/// with its `step_succeeded` or `step_failed`), and the rule that picks the answer a replayed call
/// gets (`docs/replay.md`):
///
/// - **in force** — `aeroapi.*`, `weather.*`, `http.*`: the world's state at an instant. A call at
///   `t` gets the last recorded answer whose call was at or before `t + slack` (the recording ran
///   on the wall clock, a little after the instants the replay's timers fire at); a call before
///   every recorded call of that step has no answer.
/// - **in order** — `openai.*`: the n-th call of the step from a state gets the n-th recorded answer
///   of that step from that state; a call beyond them has no answer.
///
/// Every other step (sends, alerts, a product's steps, pure computations)
/// is not answered from the recording: the replay performs it, sends answered as sent.
public struct RecordedAnswers: Sendable, Hashable {
    /// How a step's calls find their answers.
    public enum Matching: String, Sendable, Hashable {
        case inForce = "in_force"
        case inOrder = "in_order"
    }

    /// One recorded call and how it ended.
    public struct Answer: Sendable, Hashable {
        public var at: Instant
        public var state: String
        public var step: String
        public var outcome: StepOutcome
    }

    /// How late after its due instant the recording may have made a call and still answer a replayed
    /// call at that instant.
    public static let slack: TimeSpan = .seconds(60)

    /// Every recorded answer, by step, in call order.
    public private(set) var answers: [String: [Answer]]

    /// How `step`'s calls are answered, or nil when the replay performs them itself.
    public static func matching(for step: String) -> Matching? {
        let provider = step.split(separator: ".").first.map(String.init) ?? step
        switch provider {
        case "aeroapi", "weather", "http": return .inForce
        case "openai": return .inOrder
        default: return nil
        }
    }

    /// Reads the answers from a timeline: each outcome belongs to the latest unanswered
    /// `step_called` with the same frame, state, step and attempt.
    public init(history: [HistoryEntry]) {
        var answers: [String: [Answer]] = [:]
        var open: [(key: String, at: Instant, state: String, step: String)] = []
        func key(_ entry: TimelineEntry) -> String {
            "\(entry.frame ?? "")|\(entry.state ?? "")|\(entry.step ?? "")|\(entry.attempt ?? 0)"
        }
        for entry in history {
            switch entry.kind {
            case .stepCalled:
                guard let step = entry.entry.step, Self.matching(for: step) != nil else { continue }
                open.append((key(entry.entry), entry.at, entry.entry.state ?? "", step))
            case .stepSucceeded, .stepFailed:
                let wanted = key(entry.entry)
                guard let index = open.lastIndex(where: { $0.key == wanted }) else { continue }
                let call = open.remove(at: index)
                let outcome: StepOutcome = entry.kind == .stepSucceeded
                    ? .success(entry.details["output"] ?? .null) : .failure(Self.failure(entry.entry.error))
                answers[call.step, default: []].append(Answer(at: call.at, state: call.state, step: call.step, outcome: outcome))
            default:
                continue
            }
        }
        self.answers = answers
    }

    /// The answer a replayed call of `step` from `state` at `now` gets under `matching(for:)`;
    /// `index` is how many calls of that step from that state the replay made before (in order).
    public func answer(step: String, state: String, at now: Instant, index: Int) -> StepOutcome? {
        let recorded = answers[step] ?? []
        switch Self.matching(for: step) {
        case .inForce?:
            return recorded.last { $0.at <= now + Self.slack }?.outcome
        case .inOrder?:
            let fromState = recorded.filter { $0.state == state }
            return index < fromState.count ? fromState[index].outcome : nil
        case nil:
            return nil
        }
    }

    /// A recorded `error` (`{class, code, message}`) as the step failure it was.
    static func failure(_ error: Value?) -> StepFailure {
        let errorClass = error?["class"]?.stringValue.flatMap(ErrorClass.init(rawValue:)) ?? .permanent
        return StepFailure(errorClass, code: error?["code"]?.stringValue ?? "replay.unknown",
                           message: error?["message"]?.stringValue ?? "")
    }
}
