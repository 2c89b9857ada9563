public import FlowEngine

/// Runs a recorded instance's inputs through another version of its flow, on the virtual clock,
/// with the production `Executor` (the dry-run's loop): events and decisions arrive at their
/// recorded instants, provider reads are answered from the recording (`RecordedAnswers`), sends
/// are answered as sent and contact no provider. The result is both timelines and their diff.
public struct Replay: Sendable {
    public var recorded: RecordedRun
    /// The version the recorded instance ran, when its definition is stored (for its defaults).
    public var recordedFlow: Flow?
    public var recordedVersion: String
    public var flow: Flow
    public var version: String
    /// Default: `recorded.horizon`.
    public var until: Instant?
    public var product: any FlowProduct

    public init(
        recorded: RecordedRun, recordedFlow: Flow?, recordedVersion: String, flow: Flow, version: String,
        until: Instant? = nil, product: any FlowProduct = NoProduct()
    ) {
        self.recorded = recorded
        self.recordedFlow = recordedFlow
        self.recordedVersion = recordedVersion
        self.flow = flow
        self.version = version
        self.until = until
        self.product = product
    }

    /// Validates `source` as a new version to replay through: nil and the diagnostics when it has errors.
    public static func validate(_ source: SourceFile) -> (LoadedFlow?, [Diagnostic]) {
        let (flow, diagnostics) = FlowValidator(catalogue: .standard).validate(source)
        guard let flow, !diagnostics.hasErrors else { return (nil, diagnostics) }
        return (LoadedFlow(flow: flow, source: source), diagnostics)
    }

    /// The settings the replay runs with: the new version's defaults, except where the recorded
    /// instance ran with a value other than its own version's default (the agency's override),
    /// which is kept when the new version still declares that setting. Without the recorded
    /// version, every recorded value the new version declares is kept.
    public var settings: [String: Value] {
        let declared = flow.settings
        var settings = Dictionary(declared.map { ($0.name.value, $0.defaultValue.value) }, uniquingKeysWith: { $1 })
        let recorded = DeclaredTypes.settings(.object(recorded.settings), declared: declared).objectValue ?? [:]
        let previousDefaults = recordedFlow.map { old in
            DeclaredTypes.settings(
                .object(Dictionary(old.settings.map { ($0.name.value, $0.defaultValue.value) }, uniquingKeysWith: { $1 })),
                declared: declared).objectValue ?? [:]
        }
        for (name, value) in recorded where settings[name] != nil {
            if let previousDefaults, previousDefaults[name] == value { continue }
            settings[name] = value
        }
        return settings
    }

    public func run(tolerance: TimeSpan = TimelineDiff.tolerance) async throws -> ReplayReport {
        let book = RecordedAnswerBook(recorded.answers)
        let horizon = until ?? recorded.horizon
        var dryRun = DryRun(
            flow: flow, input: recorded.input, settings: .object(settings), agency: recorded.agency,
            fixtures: DryRunFixtures(approvals: recorded.approvals, events: recorded.events, resumes: recorded.resumes), start: recorded.start,
            until: horizon, version: version, product: product)
        dryRun.instanceID = recorded.instance.id
        dryRun.steps = { book.answering($0) }
        let (replayed, stop) = try await dryRun.execute()
        let missing = stop as? MissingRecordedAnswer
        // The recording up to the horizon, so both sides cover the same stretch of time.
        let recordedHistory = recorded.history.filter { $0.at <= horizon }
        let diff = TimelineDiff(
            recorded: recordedHistory, recordedStatus: recorded.instance.status.rawValue,
            replayed: replayed.history, replayedStatus: missing == nil ? replayed.status : "stopped",
            tolerance: tolerance)
        return ReplayReport(
            instance: recorded.instance.id, flow: flow.name.value, agency: recorded.agency,
            recordedVersion: recordedVersion, replayedVersion: version, start: recorded.start, until: horizon,
            diff: diff, missingAnswer: missing, replayed: replayed)
    }
}
