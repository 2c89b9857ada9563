public import FlowEngine
public import Steps

/// A product built on the runtime (the travel product is one): the steps it adds, its tables,
/// what event triggers may record, who answers the Twilio webhooks, and what it reads from a
/// dry-run's fixtures. FlowRuntime never imports a product; `flowctl`, the benchmarks and the
/// tests hand one to `buildApplication(configuration:product:)`, `DryRun` and the stores.
public protocol FlowProduct: Sendable {
    /// Its tables: migrations applied with the runtime's.
    var schema: ProductSchema { get }
    /// The top-level keys of a fixtures document it reads, besides the runtime's.
    var fixtureSections: [String] { get }
    /// Reads those sections of a fixtures document; an error names where and why.
    func readFixtures(_ sections: [String: LocatedDocument]) throws(LocatedError) -> any ProductFixtures
    /// What it adds to a runtime over `store`.
    func parts(over store: OpenedStore) -> ProductParts
    /// The provider a product step's calls count under in reports, by the step's prefix
    /// (`notify` → `twilio`).
    var stepProviders: [String: String] { get }
}

extension FlowProduct {
    public var stepProviders: [String: String] { [:] }
}

/// What a product read from a fixtures document (`FlowProduct.readFixtures`).
public protocol ProductFixtures: Sendable {}

/// What a product adds to one runtime (one opened store): steps, recorders, a dry-run's seed, the
/// Twilio webhooks' receiver and HTTP routes.
public struct ProductParts: Sendable {
    /// Registered in the runtime's one `StepRegistry` beside the providers and built-ins.
    public var steps: [any Step]
    /// By name: what an event trigger's `records:` runs before any flow starts.
    public var recorders: [String: any EventRecorder]
    /// Fills a dry-run's store before its instance starts, from the fixtures and the input.
    public var seedDryRun: @Sendable (_ fixtures: DryRunFixtures, _ input: Value, _ agency: String?, _ start: Instant)
        async throws -> Void
    /// Who receives Twilio's status callbacks and inbound messages; nil: the daemon answers them 503.
    public var twilioSink: (@Sendable (_ events: any EventSink) -> any TwilioWebhookSink)?
    /// The product's own HTTP routes (the travel product's planning `/v1` API); nil: none.
    public var routes: ProductRoutes?
    /// The product's kinds of records kept for a bounded time (`RetentionService`), beside the
    /// runtime's `instances`.
    public var retention: [RetentionKind] = []
    /// The product's records about travellers, for erasures (`TravellerErasure`); nil: none.
    public var personalRecords: (any PersonalRecords)?

    public init(
        steps: [any Step] = [], recorders: [String: any EventRecorder] = [:],
        seedDryRun: @escaping @Sendable (DryRunFixtures, Value, String?, Instant) async throws -> Void = { _, _, _, _ in },
        twilioSink: (@Sendable (any EventSink) -> any TwilioWebhookSink)? = nil, routes: ProductRoutes? = nil,
        retention: [RetentionKind] = [], personalRecords: (any PersonalRecords)? = nil
    ) {
        self.steps = steps
        self.recorders = recorders
        self.seedDryRun = seedDryRun
        self.twilioSink = twilioSink
        self.routes = routes
        self.retention = retention
        self.personalRecords = personalRecords
    }
}

/// The runtime alone: no product steps, tables or webhooks.
public struct NoProduct: FlowProduct {
    public init() {}
    public var schema: ProductSchema { .none }
    public var fixtureSections: [String] { [] }
    public func readFixtures(_ sections: [String: LocatedDocument]) throws(LocatedError) -> any ProductFixtures {
        NoFixtures()
    }
    public func parts(over store: OpenedStore) -> ProductParts { ProductParts() }

    struct NoFixtures: ProductFixtures {}
}
