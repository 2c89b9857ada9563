public import FlowEngine

/// The loop a dry-run and a replay share: from a started instance, time jumps to the next due
/// instant — a timer, an approval, an event or a resume given in advance — and the production `Executor`
/// applies it, until the instance ends or the horizon comes first.
struct VirtualClockRun<Store: FlowStore>: Sendable {
    var executor: Executor<Store>
    /// Told each new virtual instant before anything happens at it (the fixtures' answers in force).
    var advance: @Sendable (Instant) -> Void
    var approvals: [DryRunFixtures.Approval]
    var events: [DryRunFixtures.Event]
    var resumes: [DryRunFixtures.Resume]
    var horizon: Instant

    /// Runs `state` (already started at `start`) on; returns the last state and the last instant reached.
    func run(from state: InstanceState, at start: Instant) async throws -> (state: InstanceState, now: Instant) {
        var state = state
        var approvals = self.approvals.sorted { $0.at < $1.at }
        var events = self.events.sorted { $0.at < $1.at }
        var resumes = self.resumes.sorted { $0.at < $1.at }
        var now = start
        while !state.status.isFinished {
            let timer = state.timers.min { ($0.value, $0.key) < ($1.value, $1.key) }
            let candidates: [Instant] = [timer?.value, approvals.first?.at, events.first?.at, resumes.first?.at]
                .compactMap { $0 }
            guard let next = candidates.min(), next <= horizon else { break }
            now = max(now, next)
            advance(now)
            if let approval = approvals.first, approval.at == next {
                approvals.removeFirst()
                let pending = state.frames.values.compactMap { frame -> String? in
                    if case .awaitingApproval(let id, _) = frame.phase { return id }
                    return nil
                }.sorted().first
                guard let pending else { continue }
                state = try await executor.apply(.approvalDecided(id: pending, decision: approval.decision), to: state, at: now)
            } else if let event = events.first, event.at == next {
                events.removeFirst()
                state = try await executor.apply(.eventReceived(name: event.name, key: event.key, payload: event.payload),
                                                 to: state, at: now)
            } else if let resume = resumes.first, resume.at == next {
                resumes.removeFirst()
                state = try await executor.apply(.resumeRequested(resume.request), to: state, at: now)
            } else if let timer {
                state = try await executor.apply(.timerFired(id: timer.key), to: state, at: now)
            }
        }
        return (state, now)
    }
}
