public import FlowEngine
import Logging
public import Steps

/// Drives the interpreter: applies an event, performs the actions (step calls through the one
/// step registry, side effects under the effect ledger), feeds outcomes back,
/// and commits every transition with its history. Shared by dry-runs and the durable runtime;
/// only the clock, the store and the transport differ.
public struct Executor<Store: FlowStore>: Sendable {
    public let interpreter: Interpreter
    public let store: Store
    public let steps: StepRegistry
    public let transport: any HTTPTransport
    public let credentials: ProviderCredentials
    public let endpoints: ProviderEndpoints
    public let owner: String
    /// Durable mode: how long the owner's lease is kept while work continues (intermediate
    /// commits keep it, the last one releases it), and side-effecting steps go through the
    /// effect ledger. Nil (dry-runs): commits release, no ledger.
    public var lease: TimeSpan?
    /// The wall clock that lease deadlines are measured on.
    public var wallClock: @Sendable () -> Instant = { StoreCoding.wallClock() }
    /// Told after each commit that appended to an instance's timeline (live streams read it at once).
    public var timeline: TimelineNotifier?
    /// `store` when it takes states decoded (the in-memory store): cast once, not on every commit.
    private let decodedStore: (any DecodedStateCommitting)?
    /// The steps' logger (`StepContext`'s default label), made once rather than for every call.
    private let stepLogger = Logger(label: "flow.steps")

    public init(
        interpreter: Interpreter, store: Store, steps: StepRegistry, transport: any HTTPTransport,
        credentials: ProviderCredentials, endpoints: ProviderEndpoints = .production, owner: String = "executor"
    ) {
        self.interpreter = interpreter
        self.store = store
        self.steps = steps
        self.transport = transport
        self.credentials = credentials
        self.endpoints = endpoints
        self.owner = owner
        self.decodedStore = store as? any DecodedStateCommitting
    }

    /// Creates the instance in the store and runs it until it waits or ends.
    public func start(
        instanceID: String, input: Value, settings: Value, agency: String?, idempotencyKey: String?, at now: Instant
    ) async throws -> InstanceState {
        let first = interpreter.start(instanceID: instanceID, input: input, settings: settings, agency: agency, at: now)
        // The in-memory store encodes the first state and the settings when the record is read, as for commits.
        var record = InstanceRecord(
            id: instanceID, flow: interpreter.flow.name.value, definitionHash: "", agencyID: agency,
            status: .running, state: "", settings: "", wakeAt: nil,
            idempotencyKey: idempotencyKey, createdAt: now, updatedAt: now)
        let created: CreateInstanceResult
        if let decodedStore {
            created = try await decodedStore.createInstance(
                record, history: [], decoded: first.state, settings: settings)
        } else {
            record.state = try Self.encode(first.state)
            record.settings = settings.jsonText
            created = try await store.createInstance(record, history: [])
        }
        if case .existing(let existing) = created {
            return try Self.decode(existing.state)
        }
        return try await settle(first, at: now)
    }

    /// Applies an event to the stored instance and runs it until it waits or ends.
    public func apply(_ event: InterpreterEvent, to state: InstanceState, at now: Instant) async throws -> InstanceState {
        try await settle(interpreter.apply(event, to: state, at: now), at: now)
    }


    /// Runs a claimed instance: re-issues calls left outstanding (a crash or a lost lease between
    /// persisting and performing them; the effect ledger makes that safe), then applies each event,
    /// consuming its inbox entry in the same commit. Always ends with a commit that releases the lease.
    /// `leaseUntil`: the lease the claim (or the start) already holds; when it covers the outstanding
    /// calls, they are performed without first committing an unchanged state only to extend it.
    public func resume(
        _ state: InstanceState, outstanding: [StepInvocation], events: [(InterpreterEvent, inboxID: Int64?)],
        leaseUntil: Instant? = nil, at now: Instant
    ) async throws -> InstanceState {
        var current = state
        // Each settle commits; all but the last keep the lease, so the next one still holds it.
        var remaining = (outstanding.isEmpty ? 0 : 1) + events.count
        if !outstanding.isEmpty {
            remaining -= 1
            current = try await settle(Transition(state: current, actions: []), calls: outstanding, consumed: [],
                                       holdingLease: remaining > 0, heldUntil: leaseUntil, at: now)
        }
        for (event, inboxID) in events {
            remaining -= 1
            current = try await settle(interpreter.apply(event, to: current, at: now), consumed: inboxID.map { [$0] } ?? [],
                                       holdingLease: remaining > 0, at: now)
        }
        if outstanding.isEmpty && events.isEmpty { try await commit(current, history: [], consumed: [], keepLease: nil, at: now) }
        return current
    }

    /// Persists a transition (state, history, wake-up), then performs its step calls and feeds
    /// each outcome back, until the instance waits or ends. `holdingLease`: the last commit keeps
    /// the lease too (the caller has more events to apply in this run). `heldUntil`: the lease held
    /// already; a first transition that changes nothing is not committed when it covers the calls.
    private func settle(
        _ first: Transition, calls extra: [StepInvocation] = [], consumed: [Int64] = [], holdingLease: Bool = false,
        heldUntil: Instant? = nil, at now: Instant
    ) async throws -> InstanceState {
        var transition = first
        var carried: [HistoryEntry] = []
        var consumed = consumed
        var extra = extra
        var heldUntil = heldUntil
        while true {
            let history = carried + transition.actions.compactMap { action -> HistoryEntry? in
                guard case .emit(let entry) = action else { return nil }
                return HistoryEntry(at: now, entry)
            }
            var calls = extra
            extra = []
            for case .callStep(let invocation) in transition.actions { calls.append(invocation) }
            let keep: Instant? = lease.flatMap { lease in
                guard !calls.isEmpty || holdingLease else { return nil }
                let longest = longest(calls, now)
                return wallClock() + (longest > lease ? longest + .seconds(5) : lease)
            }
            // Re-issued calls on an unchanged state: the stored state already asks for them, and a
            // lease that outlasts them needs no extension, so there is nothing to commit.
            let unchanged = transition.actions.isEmpty && history.isEmpty && consumed.isEmpty
            let covered = heldUntil.map { $0 >= wallClock() + longest(calls, now) + .seconds(5) } ?? false
            // The calls below run under this lease: the one just committed, or the one already held.
            let leaseDeadline = (unchanged && covered) ? heldUntil : keep
            heldUntil = nil
            if lease != nil {
                try await ApprovalBookkeeping.recordRequests(
                    in: transition.actions, state: transition.state, flow: interpreter.flow.name.value, store: store,
                    at: now)
            }
            if !(unchanged && covered) {
                try await commit(transition.state, history: history, consumed: consumed, keepLease: keep, at: now)
            }
            if lease != nil {
                try await ApprovalBookkeeping.closeEnded(
                    history: history, state: transition.state, flow: interpreter.flow, store: store, at: now)
            }
            consumed = []
            guard !calls.isEmpty else { return transition.state }
            carried = []
            var state = transition.state
            var actions: [InterpreterAction] = []
            for call in calls {
                // A store error here (effect ledger unreachable) abandons the transition: the call
                // stays outstanding, no attempt is spent, and the next run after the lease re-issues it.
                let agency = state.bindings["instance"]?.objectValue?["agency"]?.stringValue
                let (outcome, entries) = try await perform(
                    call, instanceID: state.instanceID, agency: agency, leaseUntil: leaseDeadline, at: now)
                carried += entries
                let next = interpreter.apply(outcome, to: state, at: now)
                state = next.state
                actions += next.actions
            }
            transition = Transition(state: state, actions: actions)
        }
    }

    /// The longest of the calls' deadlines from `now` (zero when none has one).
    private func longest(_ calls: [StepInvocation], _ now: Instant) -> TimeSpan {
        calls.compactMap { $0.deadline.map { $0 - now } }.max() ?? .seconds(0)
    }

    private func commit(
        _ state: InstanceState, history: [HistoryEntry], consumed: [Int64], keepLease: Instant?, at now: Instant
    ) async throws {
        let status: InstanceStatus =
            switch state.status {
            case .running: .running
            case .waiting: .waiting
            case .succeeded: .succeeded
            case .failed: .failed
            case .cancelled: .cancelled
            }
        // Outstanding calls make the instance due again, so a reclaimed lease finishes them.
        let wakeAt = awaitsCall(state) ? min(state.nextWakeUp ?? now, now) : state.nextWakeUp
        var record = TransitionRecord(
            instanceID: state.instanceID, status: status, state: "", wakeAt: status.isFinished ? nil : wakeAt,
            history: history, consumedEvents: consumed, keepLeaseUntil: keepLease, at: now)
        // The in-memory store encodes the state when a record is read, not on every commit.
        if let decodedStore {
            try await decodedStore.commit(record, decoded: state, owner: owner)
        } else {
            record.state = try Self.encode(state)
            try await store.commit(record, owner: owner)
        }
        if !history.isEmpty || status.isFinished { timeline?.announce(state.instanceID, ended: status.isFinished) }
    }

    /// Whether a frame awaits a step call: `StepInvocation.outstanding(in:flow:)` is not empty (same
    /// test, without building and sorting the calls).
    private func awaitsCall(_ state: InstanceState) -> Bool {
        if state.approvalNotices?.calls.isEmpty == false { return true }
        return state.frames.values.contains { frame in
            guard case .awaitingStep = frame.phase, let graph = interpreter.flow.graph(at: frame.graphPath),
                  case .step? = graph.state(named: frame.state)?.kind
            else { return false }
            return true
        }
    }

    /// One step attempt through the registry; the result as an interpreter event plus the timeline
    /// entries the step adds (messages, alerts, in-doubt resolutions). In a durable run every
    /// side-effecting step goes through the effect ledger. Throws only when a store the step needs
    /// cannot be reached before anything happened (nothing sent): the transition is abandoned.
    /// The instance's agency picks its own Twilio account, when it has one (`ProviderCredentials.forAgency`).
    /// `leaseUntil`: the lease the call runs under; a side effect is not started once it may have
    /// run out (`EffectLedger.perform(…, leaseHeld:)`).
    func perform(
        _ invocation: StepInvocation, instanceID: String, agency: String? = nil, leaseUntil: Instant? = nil,
        at now: Instant
    ) async throws -> (InterpreterEvent, [HistoryEntry]) {
        let call = StepCall(arguments: invocation.arguments.objectValue ?? [:], idempotencyKey: invocation.idempotencyKey,
                            attempt: invocation.attempt)
        var context = StepContext(
            transport: transport, now: now, logger: stepLogger, credentials: credentials.forAgency(agency),
            endpoints: endpoints,
            // The state's `timeout` bounds the call on the wire too (real time): nil leaves each step its default.
            timeout: invocation.deadline.map { TimeSpan(milliseconds: max(($0 - now).milliseconds, 1)) },
            instanceID: instanceID, callID: invocation.callID, agency: agency)
        context.flow = interpreter.flow.name.value
        context.state = invocation.state
        context.frame = invocation.frame
        guard let step = steps[invocation.step] else {
            let failure = StepError(.permanent, code: "step.unknown", message: "no step named '\(invocation.step)'")
            return (.stepFailed(callID: invocation.callID, error: failure), [])
        }
        let outcome: StepOutcome
        var entries: [HistoryEntry] = []
        if lease != nil, type(of: step).signature.hasSideEffects(call.arguments) {
            let key = EffectLedger<Store>.key(instanceID: instanceID,
                                              idempotencyKey: invocation.idempotencyKey ?? invocation.callID)
            let leaseHeld: (@Sendable () -> Bool)? = leaseUntil.map { until in
                let margin = TimeSpan(milliseconds: min(1_000, (lease?.milliseconds ?? 0) / 5))
                return { [wallClock] in wallClock() + margin < until }
            }
            (outcome, entries) = try await EffectLedger(store: store)
                .perform(step, call: call, key: key, instanceID: instanceID, context: context, leaseHeld: leaseHeld)
        } else {
            outcome = try await step.perform(call, context: context)
        }
        entries += step.notes(for: outcome, call: call, context: context).map {
            HistoryEntry(at: now, $0)
        }
        switch outcome {
        case .success(let value): return (.stepSucceeded(callID: invocation.callID, output: value), entries)
        case .failure(let failure): return (.stepFailed(callID: invocation.callID, error: failure), entries)
        }
    }

    static func encode(_ state: InstanceState) throws -> String { try InstanceStateCoding.encode(state) }

    static func decode(_ text: String) throws -> InstanceState { try InstanceStateCoding.decode(text) }
}

import Foundation
