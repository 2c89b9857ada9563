public import FlowEngine
public import Logging
public import ServiceLifecycle
public import Steps

/// A daemon worker: claims due instances under a lease, runs each on the definition it started
/// with, and commits under the lease (fencing). Waiting instances are rows with a `wake_at`, so
/// an idle instance costs it no memory. One claim statement returns the batch, the batch's inbox
/// events and the next wake-up; with nothing due the worker sleeps until that wake-up, at most
/// `pollInterval` (work from other processes), and is woken at once by its `WorkerWakeup`.
public struct InstanceWorker<Store: FlowStore>: Service {
    public struct Configuration: Sendable {
        /// This worker's lease owner name (unique per process and worker).
        public var owner: String
        public var lease: TimeSpan
        /// Instances this worker runs at once, and the most one claim takes.
        public var batchSize: Int
        /// The longest sleep when nothing was due: how soon work created by another process (or
        /// an expired lease) is found. A timer due sooner wakes the worker at its instant.
        public var pollInterval: Duration
        /// Rung by this process's starters when they create work; nil: timers and polling only.
        public var wakeup: WorkerWakeup?
        /// New instances this process's starters hand over with their first calls (leased to `owner`).
        public var handoff: StartHandoff?
        /// Told after each commit that grew a timeline (this process's live streams).
        public var timeline: TimelineNotifier?

        public init(owner: String, lease: TimeSpan = .seconds(60), batchSize: Int = 16,
                    pollInterval: Duration = .milliseconds(200), wakeup: WorkerWakeup? = nil,
                    handoff: StartHandoff? = nil, timeline: TimelineNotifier? = nil) {
            self.owner = owner
            self.lease = lease
            self.batchSize = batchSize
            self.pollInterval = pollInterval
            self.wakeup = wakeup
            self.handoff = handoff
            self.timeline = timeline
        }
    }

    public let store: Store
    public let registry: DefinitionRegistry
    public let steps: StepRegistry
    public let transport: any HTTPTransport
    public let credentials: ProviderCredentials
    public let endpoints: ProviderEndpoints
    public let configuration: Configuration
    public let clock: @Sendable () -> Instant
    public let logger: Logger
    public let metrics: RuntimeMetrics?

    public init(
        store: Store, registry: DefinitionRegistry, steps: StepRegistry, transport: any HTTPTransport,
        credentials: ProviderCredentials, endpoints: ProviderEndpoints = .production, configuration: Configuration,
        clock: @escaping @Sendable () -> Instant = InstanceWorker.wallClock,
        logger: Logger = Logger(label: "flow.worker"), metrics: RuntimeMetrics? = nil
    ) {
        self.store = store
        self.registry = registry
        self.steps = steps
        self.transport = transport
        self.credentials = credentials
        self.endpoints = endpoints
        self.configuration = configuration
        self.clock = clock
        self.logger = logger
        self.metrics = metrics
    }

    /// The system clock, in milliseconds.
    @Sendable public static func wallClock() -> Instant { StoreCoding.wallClock() }

    /// Claims and runs until graceful shutdown; an instance in hand is finished before returning.
    /// Up to `batchSize` instances run at once, each freeing its slot when it is done (a slow
    /// provider call holds up only its own instance); the loop claims again once half the slots
    /// are free, or sooner for new work (a ring, a timer due, a poll interval after its last claim).
    /// Beside the claim loop, a relay performs handed starts as soon as they are handed over, each
    /// on its own, so a start never waits for claimed instances or earlier starts' providers.
    public func run() async throws {
        logger.info("worker started", metadata: ["flow.owner": "\(configuration.owner)"])
        let slots = WorkerSlots(capacity: configuration.batchSize)
        await withDiscardingTaskGroup { group in
            if let handoff = configuration.handoff {
                group.addTask { await relayHandedStarts(handoff) }
            }
            var lastClaim: (at: ContinuousClock.Instant, rings: UInt64, nextWake: Instant?)?
            while !Task.isShuttingDownGracefully && !Task.isCancelled {
                let (seen, freed) = (configuration.wakeup?.rings ?? 0, slots.frees)
                let free = slots.free
                // Busy: claim again once half the slots are free (one statement for several
                // instances), or sooner for new work: a ring, a timer due, a poll interval passed.
                let due = free >= slots.refill || lastClaim.map {
                    $0.rings != seen || $0.nextWake.map { clock() >= $0 } == true
                        || ContinuousClock.now - $0.at >= configuration.pollInterval
                } ?? true
                guard free > 0 && due else {
                    await cancelWhenGracefulShutdown {
                        await slots.waitForFree(after: freed, atMost: configuration.pollInterval)
                    }
                    continue
                }
                lastClaim = (ContinuousClock.now, seen, nil)
                guard let batch = await claim(limit: free) else {
                    await idle(for: configuration.pollInterval, after: seen)
                    continue
                }
                lastClaim?.nextWake = batch.nextWakeAt
                slots.take(batch.claimed.count)
                for claimed in batch.claimed {
                    group.addTask {
                        await run(claimed.record, inbox: claimed.inbox)
                        slots.release()
                    }
                }
                // Every free slot filled: more may be due; claim again as slots free.
                guard batch.claimed.count < free else { continue }
                // Everything due was taken: sleep until the next wake-up (or a ring).
                await idle(for: idlePause(until: batch.nextWakeAt), after: seen)
            }
        }
        logger.info("worker stopped", metadata: ["flow.owner": "\(configuration.owner)"])
    }

    /// One claim of at most `limit` due instances with their inbox events and the next wake-up;
    /// nil (logged) when the store failed.
    private func claim(limit: Int) async -> ClaimBatch? {
        do {
            let batch = try await store.claimBatch(
                now: clock(), owner: configuration.owner, leaseFor: configuration.lease, limit: limit)
            metrics?.claimBatch(batch.claimed.count)
            return batch
        } catch {
            logger.error("claim failed", metadata: ["flow.error": "\(error)"])
            return nil
        }
    }

    /// Sleeps `pause`, or until a ring of this process's wakeup after `seen`, or graceful shutdown.
    private func idle(for pause: Duration, after seen: UInt64) async {
        if let wakeup = configuration.wakeup {
            await cancelWhenGracefulShutdown { await wakeup.wait(after: seen, for: pause) }
        } else {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: pause) }
        }
    }

    /// Performs each handed start as it arrives, until graceful shutdown (those handed before it
    /// are still performed; one handed later expires its lease and is claimed from its state).
    private func relayHandedStarts(_ handoff: StartHandoff) async {
        await withDiscardingTaskGroup { group in
            while true {
                let seen = handoff.handed
                for start in handoff.takeAll() { group.addTask { await runHanded(start) } }
                guard !Task.isShuttingDownGracefully && !Task.isCancelled else { break }
                await cancelWhenGracefulShutdown { await handoff.wait(after: seen, for: configuration.pollInterval) }
            }
        }
    }

    /// How long an idle worker sleeps: until the next wake-up (1 ms past it, as instants are
    /// whole milliseconds), at most `pollInterval`.
    func idlePause(until next: Instant?) -> Duration {
        guard let next else { return configuration.pollInterval }
        let wait = Duration.milliseconds(max(0, (next - clock()).milliseconds + 1))
        return min(wait, configuration.pollInterval)
    }

    /// Claims one batch of due instances and runs them concurrently (each under its own lease, so
    /// the last of a batch does not wait for the others' commits or provider calls); returns how
    /// many were claimed once all have finished. (Tests and benchmarks step a worker with it; `run()`
    /// refills its slots as instances finish instead.)
    @discardableResult
    public func runOnce() async throws -> Int {
        let batch = try await store.claimBatch(
            now: clock(), owner: configuration.owner, leaseFor: configuration.lease, limit: configuration.batchSize)
        metrics?.claimBatch(batch.claimed.count)
        if batch.claimed.count == 1 {
            await run(batch.claimed[0].record, inbox: batch.claimed[0].inbox)
        } else if !batch.claimed.isEmpty {
            await withDiscardingTaskGroup { group in
                for claimed in batch.claimed {
                    group.addTask { await run(claimed.record, inbox: claimed.inbox) }
                }
            }
        }
        return batch.claimed.count
    }

    /// Performs the first calls of the instances this process's starters created and handed over
    /// (leased to this worker already), concurrently; failures are logged and the lease's expiry
    /// lets a worker re-issue the calls from the stored state.
    public func runHandedStarts() async {
        guard let starts = configuration.handoff?.takeAll(), !starts.isEmpty else { return }
        await withDiscardingTaskGroup { group in
            for start in starts { group.addTask { await runHanded(start) } }
        }
    }

    /// Performs one handed start's first calls.
    private func runHanded(_ start: StartHandoff.Start) async {
        let (now, started) = (clock(), ContinuousClock.now)
        do {
            let after = try await TraceSpans.instanceRun(
                start.record, version: start.flow.version.value, before: start.state.status
            ) {
                try await executor(for: start.flow).resume(
                    start.state, outstanding: start.calls, events: [], leaseUntil: start.record.leaseUntil, at: now)
            }
            metrics?.transition(flow: start.record.flow, from: start.state.status.rawValue,
                                to: after.status.rawValue, duration: ContinuousClock.now - started)
        } catch {
            logger.warning("first calls of a new instance interrupted", metadata: [
                "flow.instance": "\(start.record.id)", "flow.error": "\(error)",
            ])
        }
    }

    /// An executor for `flow` under this worker's owner and lease.
    func executor(for flow: Flow) -> Executor<Store> {
        var executor = Executor(
            interpreter: Interpreter(flow: flow), store: store, steps: steps, transport: transport,
            credentials: credentials, endpoints: endpoints, owner: configuration.owner)
        executor.lease = configuration.lease
        executor.wallClock = clock
        executor.timeline = configuration.timeline
        return executor
    }

    /// Runs one claimed instance with the inbox events the claim returned; failures are logged, and
    /// an instance that can never run is failed.
    func run(_ record: InstanceRecord, inbox: [InboxEvent]) async {
        var logger = logger
        logger[metadataKey: "flow.instance"] = "\(record.id)"
        logger[metadataKey: "flow.name"] = "\(record.flow)"
        let now = clock()
        let flow: Flow
        let state: InstanceState
        do {
            flow = try await registry.flow(hash: record.definitionHash, store: store)
            state = try Executor<Store>.decode(record.state)
        } catch let error as StoreError {
            logger.error("cannot load instance", metadata: ["flow.error": "\(error)"])
            return
        } catch {
            logger.error("instance cannot run; failing it", metadata: ["flow.error": "\(error)"])
            await failUnrunnable(record, reason: "\(error)", at: now)
            return
        }
        let executor = executor(for: flow)
        do {
            var events: [(InterpreterEvent, inboxID: Int64?)] = state.timers
                .filter { $0.value <= now }
                .sorted { ($0.value, $0.key) < ($1.value, $1.key) }
                .map { (.timerFired(id: $0.key), inboxID: nil) }
            for entry in inbox { events.append((Self.event(from: entry), inboxID: entry.id)) }
            let before = state.status
            // Calls its frames still await: a crash (or a lost lease) came between persisting a
            // transition and performing its calls (a new instance's first calls come by `handoff`).
            let outstanding = StepInvocation.outstanding(in: state, flow: flow)
            let started = ContinuousClock.now
            let after = try await TraceSpans.instanceRun(record, version: flow.version.value, before: before) {
                try await executor.resume(
                    state, outstanding: outstanding, events: events, leaseUntil: record.leaseUntil, at: now)
            }
            metrics?.transition(flow: record.flow, from: before.rawValue, to: after.status.rawValue,
                                duration: ContinuousClock.now - started)
            if let lateness = state.timers.values.filter({ $0 <= now }).min() {
                metrics?.timerLateness(now - lateness)
            }
            logger.debug("instance advanced", metadata: ["flow.status": "\(after.status.rawValue)"])
        } catch {
            logger.warning("instance run interrupted", metadata: ["flow.error": "\(error)"])
        }
    }

    /// The interpreter event for an inbox entry (`approval`, `event`, `cancel`, `resume`).
    static func event(from entry: InboxEvent) -> InterpreterEvent {
        let payload = entry.payload
        switch entry.kind {
        case "approval":
            let outcome = ApprovalDecision.Outcome(rawValue: payload["outcome"]?.stringValue ?? "") ?? .reject
            return .approvalDecided(id: payload["id"]?.stringValue ?? "", decision: ApprovalDecision(
                outcome, by: payload["by"]?.stringValue, notes: payload["notes"]?.stringValue, values: payload["values"],
                via: payload["via"]?.stringValue))
        case "event":
            return .eventReceived(name: payload["name"]?.stringValue ?? "", key: payload["key"]?.stringValue,
                                  payload: payload["payload"] ?? .null)
        case "cancel":
            return .cancelRequested(reason: payload["reason"]?.stringValue ?? "cancelled")
        case "resume":
            let action = ResumeRequest.Action(rawValue: payload["action"]?.stringValue ?? "") ?? .retry
            return .resumeRequested(ResumeRequest(action, by: payload["by"]?.stringValue, note: payload["note"]?.stringValue))
        default:
            // Unknown kinds reach the flow as a named event; no wait matches them, so they are recorded only.
            return .eventReceived(name: entry.kind, key: nil, payload: payload)
        }
    }

    private func failUnrunnable(_ record: InstanceRecord, reason: String, at now: Instant) async {
        let entry = HistoryEntry(at: now, .alert(code: "INSTANCE_UNRUNNABLE", message: reason))
        try? await store.commit(
            TransitionRecord(instanceID: record.id, status: .failed, state: record.state, wakeAt: nil, history: [entry],
                             at: now),
            owner: configuration.owner)
    }
}
