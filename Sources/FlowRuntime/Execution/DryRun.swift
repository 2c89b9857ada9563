public import FlowEngine
public import Steps

/// Runs one instance of a flow on a virtual clock: time jumps from one due instant (a timer,
/// a fixture approval or event) to the next (`VirtualClockRun`, shared with `Replay`); provider
/// steps answer from fixtures through the real step code. Same executor as production, in-memory store.
public struct DryRun: Sendable {
    public var flow: Flow
    public var input: Value
    public var settings: Value
    public var agency: String?
    public var fixtures: DryRunFixtures
    public var start: Instant
    /// Default: 30 days after `start`.
    public var until: Instant?
    /// What the report calls the version (default: the declared version).
    public var version: String?
    /// The product whose steps and store the flow uses besides the runtime's (the travel product).
    public var product: any FlowProduct
    /// The instance's id (`instance.id` in expressions); a replay keeps the recorded one.
    public var instanceID = "dry-run"
    /// The step registry the run uses, given the dry-run's own (a replay answers the provider reads
    /// from a recording instead of from the fixtures).
    public var steps: @Sendable (StepRegistry) -> StepRegistry = { $0 }

    public init(flow: Flow, input: Value, settings: Value, agency: String?, fixtures: DryRunFixtures, start: Instant,
                until: Instant? = nil, version: String? = nil, product: any FlowProduct = NoProduct()) {
        self.flow = flow
        self.input = input
        self.settings = settings
        self.agency = agency
        self.fixtures = fixtures
        self.start = start
        self.until = until
        self.version = version
        self.product = product
    }

    /// What signs a dry-run's approval links: a fixed throwaway secret under `https://flow.invalid`
    /// (a dry-run's links decide nothing anywhere).
    public static let links = ApprovalLinks(secret: Secret("dry-run approval links"), publicURL: "https://flow.invalid")

    public func run() async throws -> DryRunReport {
        let (report, stop) = try await execute()
        if let stop { throw stop }
        return report
    }

    /// Runs as `run()`, except that an error a step throws to end the run (`RunStop`, a replay's
    /// missing answer) ends it where it is: the report then holds the timeline up to that call.
    func execute() async throws -> (DryRunReport, stop: (any RunStop)?) {
        var endpoints = ProviderEndpoints.production
        // Nothing leaves the machine: every http.request host is answered from the fixtures.
        endpoints.httpAllowedHosts = .any
        let responder = FixtureResponder(fixtures: fixtures, endpoints: endpoints, start: start)
        let store = InMemoryFlowStore()
        let parts = product.parts(over: .memory(store))
        try await parts.seedDryRun(fixtures, input, agency, start)
        var credentials = ProviderCredentials(
            twilio: .authToken(accountSid: "AC" + String(repeating: "0", count: 32), token: "dry-run",
                               messagingServiceSid: "MG" + String(repeating: "0", count: 32)),
            aeroapiKey: Secret("dry-run"), openaiKey: Secret("dry-run"))
        credentials.httpPlaceholder = HTTPCredential(header: "Authorization", value: Secret("dry-run"))
        let steps = self.steps(StepRegistry.providers().adding(parts.steps).adding([
            EventEmitStep(sink: DryRunEventSink()), ApprovalNotifyStep(links: Self.links),
        ]))
        let executor = Executor(interpreter: Interpreter(flow: flow), store: store, steps: steps,
                                transport: responder.transport, credentials: credentials, endpoints: endpoints,
                                owner: "dry-run")
        let horizon = until ?? start + .days(30)
        let loop = VirtualClockRun(executor: executor, advance: { responder.advance(to: $0) },
                                   approvals: fixtures.approvals, events: fixtures.events, resumes: fixtures.resumes,
                                   horizon: horizon)
        let status: InstanceState.Status
        var now = start
        var stop: (any RunStop)?
        do {
            let started = try await executor.start(instanceID: instanceID, input: input, settings: settings,
                                                   agency: agency, idempotencyKey: nil, at: start)
            let finished = try await loop.run(from: started, at: start)
            now = finished.now
            status = finished.state.status
        } catch let stopped as any RunStop {
            stop = stopped
            status = .running
            now = stopped.at
        }
        let history = try await store.history(instanceID: instanceID, after: 0)
        let end = status.isFinished ? (history.last?.at ?? now) : (stop == nil ? horizon : now)
        let report = DryRunReport(
            flow: flow.name.value, version: version ?? String(flow.version.value), agency: agency, start: start,
            end: end, status: status.rawValue, history: history, calls: responder.calls)
        return (report, stop)
    }
}

/// An error a step throws to end a virtual-clock run where it is (the call it was asked stays
/// unanswered): the run reports the timeline so far instead of failing.
protocol RunStop: Error, Sendable {
    /// The virtual instant the run stopped at.
    var at: Instant { get }
}
