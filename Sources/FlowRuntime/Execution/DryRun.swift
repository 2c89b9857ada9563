public import FlowEngine
public import Steps

/// Runs one instance of a flow on a virtual clock: time jumps from one due instant (a timer,
/// a fixture approval or event) to the next; provider steps answer from fixtures through the
/// real step code. Same executor as production, in-memory store.
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
        let steps = StepRegistry.providers().adding(parts.steps).adding([
            EventEmitStep(sink: DryRunEventSink()), ApprovalNotifyStep(links: Self.links),
        ])
        let executor = Executor(interpreter: Interpreter(flow: flow), store: store, steps: steps,
                                transport: responder.transport, credentials: credentials, endpoints: endpoints,
                                owner: "dry-run")
        let horizon = until ?? start + .days(30)
        let instanceID = "dry-run"
        var state = try await executor.start(instanceID: instanceID, input: input, settings: settings, agency: agency,
                                             idempotencyKey: nil, at: start)
        var approvals = fixtures.approvals.sorted { $0.at < $1.at }
        var events = fixtures.events.sorted { $0.at < $1.at }
        var now = start
        while !state.status.isFinished {
            let timer = state.timers.min { ($0.value, $0.key) < ($1.value, $1.key) }
            let candidates: [Instant] = [timer?.value, approvals.first?.at, events.first?.at].compactMap { $0 }
            guard let next = candidates.min(), next <= horizon else { break }
            now = max(now, next)
            responder.advance(to: now)
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
            } else if let timer {
                state = try await executor.apply(.timerFired(id: timer.key), to: state, at: now)
            }
        }
        let history = try await store.history(instanceID: instanceID, after: 0)
        let end = state.status.isFinished ? (history.last?.at ?? now) : horizon
        return DryRunReport(flow: flow.name.value, version: version ?? String(flow.version.value), agency: agency, start: start,
                            end: end, status: state.status.rawValue, history: history, calls: responder.calls)
    }
}
