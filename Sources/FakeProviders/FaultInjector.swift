public import FlowEngine
import Synchronization

/// Draws the faults of a `FaultPlan`, one decision per request, and counts what it injected.
public final class FaultInjector: Sendable {
    /// What one request gets.
    public struct Decision: Sendable, Hashable {
        public var kind: FaultKind
        /// For `server_error`: 500 or 503. For `answer_lost`: 0 reset right after processing, 1 stall first.
        public var variant: Int
        /// For `slow`: the delay.
        public var delay: TimeSpan
    }

    public let plan: FaultPlan
    private let state: Mutex<State>

    private struct State {
        var generator: SplitMix64
        var paused = false
        var injected: [FakeProvider: [FaultKind: Int]] = [:]
        var drawn: [FakeProvider: Int] = [:]
    }

    public init(plan: FaultPlan) {
        self.plan = plan
        self.state = Mutex(State(generator: SplitMix64(seed: plan.seed)))
    }

    /// The fault for the next request to `provider`, or nil (none; also for providers outside the plan).
    public func draw(for provider: FakeProvider) -> Decision? {
        guard plan.providers.contains(provider), plan.rate > 0 else { return nil }
        let weights = FaultKind.allCases.map { (kind: $0, weight: max(0, plan.mix[$0] ?? 0)) }.filter { $0.weight > 0 }
        let total = weights.reduce(0) { $0 + $1.weight }
        guard total > 0 else { return nil }
        return state.withLock { state -> Decision? in
            guard !state.paused else { return nil }
            state.drawn[provider, default: 0] += 1
            guard Double.random(in: 0..<1, using: &state.generator) < plan.rate else { return nil }
            var pick = Int.random(in: 0..<total, using: &state.generator)
            var kind = weights[0].kind
            for entry in weights {
                if pick < entry.weight { kind = entry.kind; break }
                pick -= entry.weight
            }
            let variant = Int.random(in: 0...1, using: &state.generator)
            let delay = TimeSpan(milliseconds: Int64.random(in: plan.slowMilliseconds, using: &state.generator))
            state.injected[provider, default: [:]][kind, default: 0] += 1
            return Decision(kind: kind, variant: variant, delay: delay)
        }
    }

    /// Pauses (true) or resumes the plan, e.g. for a fault-free baseline on the same servers.
    public func setPaused(_ paused: Bool) {
        state.withLock { $0.paused = paused }
    }

    /// Faults injected so far, per provider and kind.
    public var injected: [FakeProvider: [FaultKind: Int]] { state.withLock { $0.injected } }

    /// Requests that drew (with or without a fault), per provider.
    public var drawn: [FakeProvider: Int] { state.withLock { $0.drawn } }
}
