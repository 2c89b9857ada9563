public import FlowEngine

/// Replays stored instances through one new version of their flow: one instance by id, or every
/// instance of the flow created in a window (`ReplayBatch`). Shared by `flowctl replay` and
/// `POST /instances/{id}/replay`.
public struct StoredReplay<Store: FlowStore>: Sendable {
    public var store: Store
    public var flow: LoadedFlow
    public var product: any FlowProduct
    /// How far apart a message may be in the two timelines and still not count as moved.
    public var tolerance: TimeSpan = TimelineDiff.tolerance

    /// Why an instance cannot be replayed through this version.
    public struct Refusal: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    public init(store: Store, flow: LoadedFlow, product: any FlowProduct = NoProduct()) {
        self.store = store
        self.flow = flow
        self.product = product
    }

    /// `<declared version>+<first 7 hex digits of the content hash>`, as the dry-run labels a file.
    public var version: String { "\(flow.flow.version.value)+\(flow.contentHash.prefix(7))" }

    /// Replays `record` (until `until`, default: `RecordedRun.horizon`).
    /// - Throws: `Refusal` when the instance runs another flow or its state does not decode.
    public func replay(_ record: InstanceRecord, until: Instant? = nil) async throws -> ReplayReport {
        guard record.flow == flow.flow.name.value else {
            throw Refusal(description: "instance \(record.id) runs flow '\(record.flow)', not '\(flow.flow.name.value)'")
        }
        let history = try await store.history(instanceID: record.id, after: 0)
        let recorded: RecordedRun
        do {
            recorded = try RecordedRun(instance: record, history: history)
        } catch let unreadable as RecordedRun.Unreadable {
            throw Refusal(description: unreadable.description)
        }
        let definition = try await store.definition(hash: record.definitionHash)
        let recordedFlow = definition.flatMap { stored in
            FlowValidator(catalogue: .standard).validate(SourceFile(path: "definition:\(stored.name)", text: stored.source)).flow
        }
        if let until, until <= recorded.start {
            throw Refusal(description: "until (\(until.iso8601)) must be after the instance's start (\(recorded.start.iso8601))")
        }
        // A replay is bounded like a dry-run: 30 days after the start (or the recording's reach, if later).
        let latest = max(recorded.horizon, recorded.start + .days(30))
        if let until, until > latest {
            throw Refusal(description: "until (\(until.iso8601)) may be at most \(latest.iso8601) (30 days after the start)")
        }
        let replay = Replay(
            recorded: recorded, recordedFlow: recordedFlow,
            recordedVersion: StoredDefinition.label(definition, hash: record.definitionHash), flow: flow.flow,
            version: version, until: until, product: product)
        return try await replay.run(tolerance: tolerance)
    }

    /// Replays every instance of the flow created from `since` (before `before`, when given), of
    /// `agency` only when given, oldest first.
    public func replayAll(since: Instant, before: Instant? = nil, agency: String? = nil) async throws -> ReplayBatch {
        var filter = InstanceFilter(flow: flow.flow.name.value, agencyID: agency, status: nil, limit: 500)
        filter.createdFrom = since
        filter.createdBefore = before
        var batch = ReplayBatch(flow: flow.flow.name.value, version: version, since: since)
        while true {
            let page = try await store.instances(matching: filter)
            for record in page {
                do {
                    batch.reports.append(try await replay(record))
                } catch let refusal as Refusal {
                    batch.failures.append((record.id, refusal.description))
                }
            }
            guard page.count == filter.limit, let last = page.last else { return batch }
            filter.after = InstanceCursor(after: last)
        }
    }
}

/// A batch replay's summary: how many runs were replayed, how many would differ, the first
/// differences of each, and the instances that could not be replayed.
public struct ReplayBatch: Sendable {
    public var flow: String
    public var version: String
    public var since: Instant
    public var reports: [ReplayReport] = []
    public var failures: [(instance: String, reason: String)] = []

    /// How many of a run's differences the summary shows.
    public static let shown = 3

    public var differing: [ReplayReport] { reports.filter(\.differs) }

    public var text: String {
        var lines = ["replay of \(flow) instances created since \(since.iso8601) through \(version)",
                     "\(reports.count) run(s), \(differing.count) would differ"
                         + (failures.isEmpty ? "" : ", \(failures.count) not replayed")]
        for report in differing {
            let differences = report.differences
            lines.append("  \(report.instance):")
            lines += differences.prefix(Self.shown).map { "    " + $0 }
            if differences.count > Self.shown { lines.append("    … \(differences.count - Self.shown) more") }
        }
        for failure in failures { lines.append("  \(failure.instance): not replayed: \(failure.reason)") }
        return lines.joined(separator: "\n")
    }

    public var json: Value {
        .object([
            "flow": .string(flow), "version": .string(version), "since": .instant(since),
            "runs": .number(Double(reports.count)), "differing": .number(Double(differing.count)),
            "instances": .array(reports.map { report in
                .object([
                    "instance": .string(report.instance), "differs": .bool(report.differs),
                    "differences": .array(report.differences.prefix(Self.shown).map(Value.string)),
                ])
            }),
            "not_replayed": .array(failures.map { .object(["instance": .string($0.instance), "reason": .string($0.reason)]) }),
        ])
    }
}
