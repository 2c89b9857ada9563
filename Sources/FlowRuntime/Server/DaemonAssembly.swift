public import FlowEngine
import Foundation
public import Hummingbird
import Logging
import ServiceLifecycle
import Steps

/// The daemon's HTTP application type (routes over the daemon's authenticated request context).
public typealias FlowApplication = Application<RouterResponder<FlowRequestContext>>

/// The parts of one daemon over one store: what `buildApplication(configuration:product:environment:)`
/// wires together once the store is open.
struct DaemonAssembly: Sendable {
    let configuration: DaemonConfiguration
    let product: any FlowProduct
    let environment: DaemonEnvironment
    let registry: DefinitionRegistry
    let providers: ProviderSetup
    let storeKind: String
    /// The sandbox's fixtures file, when one answers the sandboxed providers.
    let fixtures: String?

    /// The application: routes over `store`, and the services `lifecycle` (the store's own, run
    /// first and stopped last), `listen`'s (other daemons' deliveries and commits waking this
    /// worker and these streams), the
    /// worker, the scheduler and the gauge.
    func application<Store: FlowStore>(
        _ store: Store, opened: OpenedStore, lifecycle: [any Service],
        probe: (@Sendable () async throws -> Void)? = nil,
        listen: (WorkerWakeup, TimelineNotifier) -> [any Service] = { _, _ in [] }
    ) -> FlowApplication {
        let logger = environment.logger
        // Into the registry `/metrics` shows (the one `serve` bootstrapped swift-metrics with).
        let metrics = environment.prometheus.map { RuntimeMetrics(factory: $0.factory) } ?? RuntimeMetrics()
        let parts = product.parts(over: opened)
        // Instances created in this process (events, inbound messages) wake an idle worker at once.
        let wakeup = WorkerWakeup()
        // New instances' first calls go straight to this process's worker (`StartHandoff`).
        let handoff = StartHandoff(owner: environment.owner, lease: configuration.lease)
        // Commits announce timeline growth to this process's live streams.
        let timeline = TimelineNotifier()
        let dispatcher = EventDispatcher(
            store: store, registry: registry, recorders: parts.recorders, wakeup: wakeup, handoff: handoff)
        // Flows start flows (`event.emit`) through the dispatcher every other start path uses.
        let steps = StepRegistry.providers(openai: OpenAIChatStep(prices: configuration.openaiPrices))
            .adding(parts.steps).adding([EventEmitStep(sink: dispatcher)]).metered(metrics)
        let worker = InstanceWorker(
            store: store, registry: registry, steps: steps, transport: providers.transport,
            credentials: providers.credentials, endpoints: providers.endpoints,
            configuration: .init(
                owner: environment.owner, lease: configuration.lease, wakeup: wakeup, handoff: handoff,
                timeline: timeline),
            metrics: metrics)
        let scheduler = ScheduleService(
            store: store, registry: registry, metrics: metrics, wakeup: wakeup, handoff: handoff)
        let gauge = InstanceStatusGauge(store: store, metrics: metrics)
        var health = HealthReport(store: storeKind, providers: providers.modes, flows: registry.flowNames)
        health.fixtures = providers.sandboxed.isEmpty ? nil : fixtures
        let router = Router(context: FlowRequestContext.self)
        // CORS first (preflights carry no key), then errors as JSON, then the key check, then 405
        // for a documented path asked with a method it does not have, then 400 for a NUL in the query.
        if !configuration.corsOrigins.isEmpty {
            router.add(middleware: AllowedOriginsCORS(origins: configuration.corsOrigins))
        }
        router.add(middleware: APIErrorMiddleware())
        router.add(middleware: APIKeyAuthentication(store: store))
        router.add(middleware: MethodNotAllowed())
        router.add(middleware: NULCharacterRejection())
        HealthRoutes.add(to: router, health: health, probe: probe)
        OpenAPIRoutes.add(to: router)
        ConsoleRoutes.add(to: router)
        IdentityRoutes.add(to: router)
        let delivery = EventDelivery(store: store, registry: registry, wakeup: wakeup)
        EventRoutes.add(to: router, dispatcher: dispatcher, delivery: delivery)
        InstanceRoutes.add(to: router, .init(store: store, starter: dispatcher.starter, wakeup: wakeup))
        ReplayRoutes.add(to: router, store: store, product: product)
        FlowRoutes.add(to: router, registry: registry, store: store, graphs: FlowGraphSVG.locate(),
                       agency: { $0.identity?.agencyID }, canSee: { $0.identity?.canSee(agency: $1) ?? false })
        OverrideRoutes.add(to: router, book: AgencyOverridesBook(store: store, registry: registry))
        // Another agency's instance or approval answers 404, as if it did not exist.
        let visible: @Sendable (InstanceRecord, FlowRequestContext) -> Bool = { record, context in
            context.identity?.canSee(agency: record.agencyID) ?? false
        }
        InstanceEventRoutes.add(to: router, delivery: delivery, visible: visible)
        TimelineRoutes.add(to: router, store: store, notifier: timeline, visible: visible)
        ApprovalRoutes.add(
            to: router, decisions: ApprovalDecisions(store: store, wakeup: wakeup), notifier: timeline
        ) { context in
            let identity = context.identity
            // An admin sees every agency's; an agency key its own (an unauthenticated caller none).
            let agency = identity?.admin == true ? nil : identity?.agencyID ?? ""
            return ApprovalCaller(agency: agency, name: identity?.keyName)
        }
        // The product's own API (the travel product's /v1), through the same key check and tenancy.
        parts.routes?(router, ProductServices(
            registry: registry, wakeup: wakeup, handoff: handoff, timeline: timeline,
            clock: InstanceWorker<Store>.wallClock, metrics: metrics.factory, events: dispatcher))
        if let prometheus = environment.prometheus { MetricsRoutes.add(to: router, export: prometheus) }
        switch (providers.webhooks, parts.twilioSink) {
        case (.success(let webhooks), let sink?):
            TwilioWebhookRoutes.add(to: router, sink: sink(dispatcher), configuration: webhooks)
            logger.info("Twilio webhooks at \(webhooks.publicURL)/webhooks/twilio/…")
        case (.failure(let unavailable), _):
            TwilioWebhookRoutes.addUnavailable(to: router)
            logger.log(level: providers.sandboxed.contains("twilio") ? .notice : .warning, "\(unavailable)")
        case (.success, nil):
            TwilioWebhookRoutes.addUnavailable(to: router)
            logger.notice("Twilio webhooks answer 503: no product receives them")
        }
        logStartup(flows: registry.flowNames)
        return Application(
            router: router,
            configuration: .init(
                address: .hostname(configuration.host, port: configuration.port), serverName: "flow"),
            // The trace exporter first, so it stops last and flushes the spans of the others' shutdown.
            services: (environment.traces.map { [$0.service] } ?? []) + lifecycle + listen(wakeup, timeline)
                + [worker, scheduler, gauge],
            logger: Logger(label: "flow.http"))
    }

    private func logStartup(flows: [String]) {
        let logger = environment.logger
        let modes = ProviderSetup.providers.map { "\($0)=\(providers.modes[$0]?.rawValue ?? "?")" }
        if !providers.sandboxed.isEmpty, let fixtures {
            logger.warning("""
                SANDBOX MODE for \(providers.sandboxed.joined(separator: ", ")): no credentials, so their calls are \
                ANSWERED FROM THE FIXTURES IN \(fixtures) (OpenAI's answers in call order, starting over once used \
                up); nothing is sent to them. Every plan, message and flight this daemon reports is made up.
                """)
        } else if !providers.sandboxed.isEmpty {
            logger.warning("""
                SANDBOX MODE for \(providers.sandboxed.joined(separator: ", ")): no credentials, so their calls are \
                answered locally (Twilio messages accepted with synthetic SIDs, AeroAPI finds no flights, OpenAI \
                calls fail naming OPENAI_API_KEY; --fixtures FILE answers them from fixtures); nothing is sent to them.
                """)
        }
        if let traces = environment.traces {
            logger.info("traces exported", metadata: [
                "flow.traces.endpoint": "\(traces.endpoint)", "flow.traces.protocol": "\(traces.wireProtocol)",
            ])
        } else {
            logger.info("traces off (set OTEL_EXPORTER_OTLP_ENDPOINT to export them over OTLP/HTTP)")
        }
        logger.info("serving", metadata: [
            "flow.store": "\(storeKind)", "flow.port": "\(configuration.port)",
            "flow.flows": "\(flows.joined(separator: ","))", "flow.providers": "\(modes.joined(separator: ","))",
        ])
    }

    /// The sandbox's fixtures (`--fixtures`), read as a dry-run reads them; an unreadable or
    /// invalid file stops the start-up, naming where and why.
    static func fixtures(_ path: String?, product: any FlowProduct) throws -> DryRunFixtures? {
        guard let path else { return nil }
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw DaemonSetupError.configuration("--fixtures: cannot read \(path)")
        }
        do {
            return try DryRunFixtures(parsing: SourceFile(path: path, text: text), product: product)
        } catch {
            throw DaemonSetupError.configuration("--fixtures: \(error)")
        }
    }

    /// Credentials from the environment, each provider live or sandboxed (answered from `fixtures`);
    /// `http.request` calls `httpAllowHosts` only.
    static func providers(
        _ environment: DaemonEnvironment, fixtures: DryRunFixtures = DryRunFixtures(),
        httpAllowHosts: HostAllowList = .none
    ) throws -> ProviderSetup {
        let logger = environment.logger
        var (credentials, problems) = ProviderCredentials.fromEnvironment(environment.variables)
        // A provider whose credentials are not set at all is sandboxed, which the start-up says once;
        // malformed or partial credentials are reported.
        for problem in problems where !(problem.severity == .error && problem.message.hasPrefix("not set")) {
            logger.warning("credentials: \(problem)")
        }
        do {
            // Agencies' own Twilio accounts (TWILIO_<AGENCY>_…): an unusable one stops the start-up.
            let (agencyAccounts, warnings) = try TwilioAgencyAccounts.load(environment.variables)
            for warning in warnings { logger.warning("credentials: \(warning)") }
            credentials.agencyTwilio = agencyAccounts
        } catch {
            throw DaemonSetupError.configuration("\(error)")
        }
        var endpoints: ProviderEndpoints
        do {
            endpoints = try ProviderEndpoints.fromEnvironment(environment.variables)
        } catch {
            throw DaemonSetupError.configuration("\(error)")
        }
        endpoints.httpAllowedHosts = httpAllowHosts
        if !httpAllowHosts.entries.isEmpty {
            logger.info("http.request allow-list", metadata: [
                "flow.hosts": "\(httpAllowHosts)",
                "flow.credentials": "\(credentials.http.keys.sorted().joined(separator: ","))",
            ])
        }
        for (variable, url) in endpoints.overrides() {
            logger.notice("provider endpoint overridden", metadata: ["flow.variable": "\(variable)", "flow.url": "\(url)"])
        }
        return ProviderSetup(
            credentials: credentials, endpoints: endpoints, live: environment.transport, fixtures: fixtures,
            now: StoreCoding.wallClock())
    }
}
