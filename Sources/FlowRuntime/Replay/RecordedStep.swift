public import FlowEngine
public import Steps
import Synchronization

/// A provider step answered from a recording (`RecordedAnswers`) in a replay: the same signature
/// as the real step, no request made. A call the recording has no answer for ends the replay
/// there (`MissingRecordedAnswer`): nothing is invented.
struct RecordedStep<Wrapped: Step>: Step {
    static var signature: StepSignature { Wrapped.signature }

    let wrapped: Wrapped
    let book: RecordedAnswerBook

    func run(_ call: StepCall, context: StepContext) async -> StepOutcome {
        // Only `perform` is called by the executor; `run` answers as it would, minus the stop.
        (try? await perform(call, context: context)) ?? .failure(StepFailure(.permanent, message: "no recorded answer"))
    }

    func perform(_ call: StepCall, context: StepContext) async throws -> StepOutcome {
        let step = Wrapped.signature.name
        let state = context.state ?? ""
        guard let outcome = book.answer(step: step, state: state, at: context.now) else {
            throw MissingRecordedAnswer(step: step, state: state, frame: context.frame, at: context.now)
        }
        return outcome
    }

    func notes(for outcome: StepOutcome, call: StepCall, context: StepContext) -> [TimelineEntry] {
        wrapped.notes(for: outcome, call: call, context: context)
    }
}

/// The recorded answers of one replay and how many calls of each step and state it answered so far.
final class RecordedAnswerBook: Sendable {
    let answers: RecordedAnswers
    private let calls = Mutex<[String: Int]>([:])

    init(_ answers: RecordedAnswers) { self.answers = answers }

    func answer(step: String, state: String, at now: Instant) -> StepOutcome? {
        let index = calls.withLock { calls in
            defer { calls["\(step)|\(state)", default: 0] += 1 }
            return calls["\(step)|\(state)", default: 0]
        }
        return answers.answer(step: step, state: state, at: now, index: index)
    }

    /// `registry` with every step `RecordedAnswers.matching(for:)` names answered from this book.
    func answering(_ registry: StepRegistry) -> StepRegistry {
        registry.adding(registry.steps.values.compactMap { step in
            RecordedAnswers.matching(for: type(of: step).signature.name) == nil ? nil : recorded(step)
        })
    }

    private func recorded<S: Step>(_ step: S) -> any Step { RecordedStep(wrapped: step, book: self) }
}

/// A replayed call the recording has no answer for: the replay stops at it.
public struct MissingRecordedAnswer: Error, Sendable, Hashable, CustomStringConvertible, RunStop {
    public var step: String
    public var state: String
    public var frame: String?
    public var at: Instant

    public var description: String {
        "no recorded answer for \(step) at \(state)\(frame.map { " (\($0))" } ?? "") (\(at.iso8601))"
    }
}
