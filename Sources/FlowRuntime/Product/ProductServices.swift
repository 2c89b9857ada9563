public import FlowEngine
public import Hummingbird
public import Metrics

/// What the daemon lends a product's routes (`ProductParts.routes`): the same registry, worker
/// wake-up, start hand-off and timeline announcements its own control plane uses, so a product's
/// API starts, decides, cancels and streams through the runtime's library functions
/// (`InstanceStarter`, `ApprovalDecisions`, `InstanceCancellation`, `TimelineStream`) over the
/// product's own handle on the store, and never copies them.
public struct ProductServices: Sendable {
    /// The workflow directory's flows, as the daemon published them.
    public var registry: DefinitionRegistry
    /// Rung after a start, a decision or a cancel, so this process's idle worker acts at once.
    public var wakeup: WorkerWakeup
    /// New instances' first calls go straight to this process's worker.
    public var handoff: StartHandoff
    /// This process's announcements of timeline growth (what streams wait on).
    public var timeline: TimelineNotifier
    /// The wall clock the daemon stamps requests with.
    public var clock: @Sendable () -> Instant
    /// Where the product's own metrics go: the daemon's `/metrics` registry.
    public var metrics: any MetricsFactory
    /// The daemon's event dispatcher: a product's route announcing a domain event starts the flows
    /// listening to it, as `POST /events/{name}` would.
    public var events: (any EventSink)?

    public init(
        registry: DefinitionRegistry, wakeup: WorkerWakeup, handoff: StartHandoff, timeline: TimelineNotifier,
        clock: @escaping @Sendable () -> Instant, metrics: any MetricsFactory = MetricsSystem.factory,
        events: (any EventSink)? = nil
    ) {
        self.registry = registry
        self.wakeup = wakeup
        self.handoff = handoff
        self.timeline = timeline
        self.clock = clock
        self.metrics = metrics
        self.events = events
    }
}

/// Adds a product's routes to the daemon's router, behind the same CORS, error and API-key
/// middleware as the control plane (the routes read `context.identity`).
public typealias ProductRoutes = @Sendable (_ router: Router<FlowRequestContext>, _ services: ProductServices) -> Void
