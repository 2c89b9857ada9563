public import FlowEngine
public import Logging
public import ServiceLifecycle
public import Steps

/// A daemon worker: claims due instances under a lease, runs each on the definition it started
/// with, and commits under the lease (fencing). Waiting instances are rows with a `wake_at`;
/// the worker polls for due work, so an idle instance costs it no memory.
public struct InstanceWorker<Store: FlowStore>: Service {
    public struct Configuration: Sendable {
        /// This worker's lease owner name (unique per process and worker).
        public var owner: String
        public var lease: TimeSpan
        public var batchSize: Int
        /// How long to sleep when nothing was due.
        public var pollInterval: Duration

        public init(owner: String, lease: TimeSpan = .seconds(60), batchSize: Int = 16,
                    pollInterval: Duration = .milliseconds(200)) {
            self.owner = owner
            self.lease = lease
            self.batchSize = batchSize
            self.pollInterval = pollInterval
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

    /// Polls until graceful shutdown; an instance in hand is finished before returning.
    public func run() async throws {
        logger.info("worker started", metadata: ["flow.owner": "\(configuration.owner)"])
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let handled: Int
            do {
                handled = try await runOnce()
            } catch {
                logger.error("claim failed", metadata: ["flow.error": "\(error)"])
                handled = 0
            }
            if handled == 0 {
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: configuration.pollInterval) }
            }
        }
        logger.info("worker stopped", metadata: ["flow.owner": "\(configuration.owner)"])
    }

    /// Claims one batch of due instances and runs them concurrently (each under its own lease, so
    /// the last of a batch does not wait for the others' commits or provider calls); returns how
    /// many were claimed once all have finished.
    @discardableResult
    public func runOnce() async throws -> Int {
        let claimed = try await store.claimDue(
            now: clock(), owner: configuration.owner, leaseFor: configuration.lease, limit: configuration.batchSize)
        metrics?.claimBatch(claimed.count)
        if claimed.count == 1 {
            await run(claimed[0])
        } else {
            await withTaskGroup(of: Void.self) { group in
                for record in claimed {
                    group.addTask { await run(record) }
                }
            }
        }
        return claimed.count
    }

    /// Runs one claimed instance; failures are logged, and an instance that can never run is failed.
    func run(_ record: InstanceRecord) async {
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
        var executor = Executor(
            interpreter: Interpreter(flow: flow), store: store, steps: steps, transport: transport,
            credentials: credentials, endpoints: endpoints, owner: configuration.owner)
        executor.lease = configuration.lease
        executor.wallClock = clock
        do {
            let inbox = try await store.inbox(instanceID: record.id)
            var events: [(InterpreterEvent, inboxID: Int64?)] = state.timers
                .filter { $0.value <= now }
                .sorted { ($0.value, $0.key) < ($1.value, $1.key) }
                .map { (.timerFired(id: $0.key), inboxID: nil) }
            for entry in inbox { events.append((Self.event(from: entry), inboxID: entry.id)) }
            let before = state.status
            let outstanding = PendingCall.outstanding(in: state, flow: flow)
            let started = ContinuousClock.now
            let after = try await executor.resume(state, outstanding: outstanding, events: events, at: now)
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

    /// The interpreter event for an inbox entry (`approval`, `event`, `cancel`).
    static func event(from entry: InboxEvent) -> InterpreterEvent {
        let payload = entry.payload
        switch entry.kind {
        case "approval":
            let outcome = ApprovalDecision.Outcome(rawValue: payload["outcome"]?.stringValue ?? "") ?? .reject
            return .approvalDecided(id: payload["id"]?.stringValue ?? "", decision: ApprovalDecision(
                outcome, by: payload["by"]?.stringValue, notes: payload["notes"]?.stringValue, values: payload["values"]))
        case "event":
            return .eventReceived(name: payload["name"]?.stringValue ?? "", key: payload["key"]?.stringValue,
                                  payload: payload["payload"] ?? .null)
        case "cancel":
            return .cancelRequested(reason: payload["reason"]?.stringValue ?? "cancelled")
        default:
            // Unknown kinds reach the flow as a named event; no wait matches them, so they are recorded only.
            return .eventReceived(name: entry.kind, key: nil, payload: payload)
        }
    }

    private func failUnrunnable(_ record: InstanceRecord, reason: String, at now: Instant) async {
        let entry = HistoryEntry(at: now, kind: "alert", details: [
            "code": "INSTANCE_UNRUNNABLE", "message": .string(reason),
        ])
        try? await store.commit(
            TransitionRecord(instanceID: record.id, status: .failed, state: record.state, wakeAt: nil, history: [entry],
                             at: now),
            owner: configuration.owner)
    }
}
