public import FlowEngine

/// What a stored instance recorded, as a replay needs it: its inputs (input, settings, agency,
/// start instant), the outside world's part of its timeline (events and approval decisions at
/// their instants, provider answers), how far the recording reaches, and the timeline itself.
public struct RecordedRun: Sendable {
    public var instance: InstanceRecord
    public var history: [HistoryEntry]
    public var input: Value
    /// The effective settings recorded when it started.
    public var settings: [String: Value]
    public var agency: String?
    /// When the interpreter started it (`instance.started_at`).
    public var start: Instant
    public var events: [DryRunFixtures.Event]
    /// People's decisions (an expiry is the flow's own timer, not an input).
    public var approvals: [DryRunFixtures.Approval]
    /// People's resumes of paused steps (one per `resumed` entry of the request: the first frame's).
    public var resumes: [DryRunFixtures.Resume]
    public var answers: RecordedAnswers

    /// Why a stored instance cannot be replayed.
    public struct Unreadable: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    public init(instance: InstanceRecord, history: [HistoryEntry]) throws {
        let state: InstanceState
        do {
            state = try InstanceStateCoding.decode(instance.state)
        } catch {
            throw Unreadable(description: "instance \(instance.id): its stored state does not decode: \(error)")
        }
        self.instance = instance
        self.history = history
        input = state.bindings["input"] ?? .object([:])
        settings = (try? StoreCoding.value(instance.settings, column: "settings"))?.objectValue ?? [:]
        agency = instance.agencyID
        start = state.bindings["instance"]?["started_at"]?.instantValue ?? history.first?.at ?? instance.createdAt
        events = history.compactMap { entry in
            guard entry.kind == .eventReceived, let name = entry.details["name"]?.stringValue else { return nil }
            return DryRunFixtures.Event(at: entry.at, name: name, key: entry.details["key"]?.stringValue,
                                        payload: entry.details["payload"] ?? .null)
        }
        approvals = history.compactMap { entry in
            guard entry.kind == .approvalDecided else { return nil }
            let decision = entry.details["decision"]
            // Early rows: `decision` as a string with `by` beside it.
            let word = decision?["decision"]?.stringValue ?? decision?.stringValue
            guard let word, let outcome = ApprovalDecision.Outcome(rawValue: word) else { return nil }
            let by = decision?["by"]?.stringValue ?? entry.details["by"]?.stringValue
            let values = decision?["values"].flatMap { $0.isNull ? nil : $0 }
            return DryRunFixtures.Approval(at: entry.at, decision: ApprovalDecision(
                outcome, by: by, notes: decision?["notes"]?.stringValue, values: values))
        }
        // One resume request notes `resumed` per paused frame, at one instant: one request each.
        var resumes: [DryRunFixtures.Resume] = []
        for entry in history where entry.kind == .resumed && resumes.last?.at != entry.at {
            let action = entry.details["action"]?.stringValue.flatMap(ResumeRequest.Action.init(rawValue:)) ?? .retry
            resumes.append(DryRunFixtures.Resume(at: entry.at, request: ResumeRequest(
                action, by: entry.details["by"]?.stringValue, note: entry.details["note"]?.stringValue)))
        }
        self.resumes = resumes
        answers = RecordedAnswers(history: history)
    }

    /// Whether the recorded instance ended.
    public var finished: Bool { instance.status.isFinished }

    /// Where a replay stops unless told otherwise: a finished recording's replay runs until it ends
    /// (at most 30 days after the start, as a dry-run); an unfinished one's until the recording's
    /// next wake-up (nothing happens to a waiting instance before it but an event or a decision,
    /// which the recording holds when it came), else its last entry.
    public var horizon: Instant {
        if finished { return start + .days(30) }
        let last = history.last?.at ?? instance.updatedAt
        return max(instance.wakeAt ?? last, last)
    }
}
