public import FlowEngine
import Foundation

/// `flowctl replay` as a function: validates the new version, opens the store, replays one instance
/// (`INSTANCE`) or every instance of the flow created in a window (`--since`), and renders the diff
/// or the summary. The command prints the outcome and exits with its code.
public struct ReplayInvocation: Sendable {
    /// What the command prints and the exit code it ends with.
    public struct Outcome: Sendable {
        /// 0 no run differs; 2 a run differs (or stopped for want of a recorded answer); 1 runtime
        /// failure; 64 bad arguments or no such instance; 65 the new version does not validate.
        public var exitCode: Int32
        public var standardOutput: String
        public var standardError: String
    }

    public var instance: String?
    public var flowPath: String
    public var agency: String?
    /// A duration back from now (`7d`, `36h`) or an ISO-8601 instant: the batch form.
    public var since: String?
    /// The batch form's flow; must be the new version's name (default: it).
    public var flowName: String?
    /// ISO-8601; only for one instance (default: `RecordedRun.horizon`).
    public var until: String?
    public var json: Bool
    public var store: StoreConfiguration
    public var product: any FlowProduct

    public init(
        instance: String?, flowPath: String, agency: String? = nil, since: String? = nil, flowName: String? = nil,
        until: String? = nil, json: Bool = false, store: StoreConfiguration, product: any FlowProduct = NoProduct()
    ) {
        self.instance = instance
        self.flowPath = flowPath
        self.agency = agency
        self.since = since
        self.flowName = flowName
        self.until = until
        self.json = json
        self.store = store
        self.product = product
    }

    public func run(now: Instant) async -> Outcome {
        func usage(_ message: String) -> Outcome {
            Outcome(exitCode: 64, standardOutput: "", standardError: "error: \(message)\n")
        }
        switch (instance, since) {
        case (nil, nil): return usage("name an INSTANCE, or --since for every instance of the flow in a window")
        case (.some, .some): return usage("an INSTANCE or --since, not both")
        default: break
        }
        if since == nil, flowName != nil { return usage("--flow-name goes with --since") }
        if instance == nil, until != nil { return usage("--until goes with an INSTANCE") }
        var window: Instant?
        if let since {
            if let span = TimeSpan(parsing: since), span > .seconds(0) {
                window = now - span
            } else if let instant = Instant(iso8601: since) {
                window = instant
            } else {
                return usage("--since: '\(since)' is neither a duration (7d, 36h) nor an ISO-8601 instant")
            }
        }
        var horizon: Instant?
        if let until {
            guard let parsed = Instant(iso8601: until) else { return usage("--until: not an ISO-8601 instant: \(until)") }
            horizon = parsed
        }
        guard let data = FileManager.default.contents(atPath: flowPath),
              let text = String(data: data, encoding: .utf8) else {
            return usage("cannot read the flow file: \(flowPath)")
        }
        let source = SourceFile(path: flowPath, text: text)
        let (loaded, diagnostics) = Replay.validate(source)
        guard let loaded else {
            let errors = diagnostics.filter { $0.severity == .error }.count
            return Outcome(exitCode: 65, standardOutput: "",
                           standardError: DiagnosticRenderer(sources: [source]).render(diagnostics)
                               + "\n\n\(errors) error(s), \(diagnostics.count - errors) warning(s)\n")
        }
        if let flowName, flowName != loaded.flow.name.value {
            return usage("--flow-name \(flowName): \(flowPath) is flow '\(loaded.flow.name.value)'")
        }
        let (instance, agency, product, json) = (self.instance, self.agency, self.product, self.json)
        let (since, until) = (window, horizon)
        do {
            return try await store.withStore(migrate: false) { opened in
                try await Self.replay(
                    opened.flowStore, flow: loaded, product: product, instance: instance, agency: agency,
                    since: since, until: until, json: json)
            }
        } catch {
            return Outcome(exitCode: 1, standardOutput: "", standardError: "error: \(store): \(error)\n")
        }
    }

    static func replay<Store: FlowStore>(
        _ store: Store, flow: LoadedFlow, product: any FlowProduct, instance: String?, agency: String?,
        since: Instant?, until: Instant?, json: Bool
    ) async throws -> Outcome {
        let replay = StoredReplay(store: store, flow: flow, product: product)
        if let since {
            let batch = try await replay.replayAll(since: since, agency: agency)
            return Outcome(exitCode: batch.differing.isEmpty ? 0 : 2,
                           standardOutput: (json ? batch.json.jsonText : batch.text) + "\n", standardError: "")
        }
        guard let instance, let record = try await store.instance(id: instance),
              agency == nil || record.agencyID == agency else {
            let whose = agency.map { " of agency '\($0)'" } ?? ""
            return Outcome(exitCode: 64, standardOutput: "", standardError: "error: no instance '\(instance ?? "")'\(whose)\n")
        }
        let report: ReplayReport
        do {
            report = try await replay.replay(record, until: until)
        } catch let refusal as StoredReplay<Store>.Refusal {
            return Outcome(exitCode: 64, standardOutput: "", standardError: "error: \(refusal)\n")
        }
        return Outcome(exitCode: report.differs ? 2 : 0,
                       standardOutput: (json ? report.json.jsonText : report.text) + "\n", standardError: "")
    }
}
