import FakeProviders
import FlowEngine
import FlowRuntime
import Foundation
import Travel

/// What a chaos run did, read from the store (instances, timelines) and the fakes (messages
/// accepted, faults injected), and the verdict: no lost instance, no duplicate send, at least
/// 99.9 % of the sends delivered within the retry budget.
struct ChaosReport {
    /// Chaos instances by status (those the store has).
    var statuses: [InstanceStatus: Int] = [:]
    /// Tags with no finished instance: never created, or still running at the deadline.
    var lost: [String] = []
    /// Tags whose instance failed (a call ran out of its retry budget), with the failing step.
    var failed: [String] = []
    var expectedSends = 0
    var deliveredSends = 0
    /// Bodies accepted more than once (baseline included), with their counts.
    var duplicated: [String: Int] = [:]
    /// `step: resolution` of every `effect_in_doubt` entry.
    var inDoubt: [String: Int] = [:]
    /// `class (code)` of every failed attempt (`step_failed`).
    var failures: [String: Int] = [:]
    var retriesScheduled = 0
    /// End-to-end (created → finished) of the chaos and the baseline instances, ms.
    var endToEnd = Latencies(samples: [])
    var baselineEndToEnd = Latencies(samples: [])
    var injected: [FakeProvider: [FaultKind: Int]] = [:]
    var drawn: [FakeProvider: Int] = [:]

    var deliveredShare: Double { expectedSends == 0 ? 1 : Double(deliveredSends) / Double(expectedSends) }
    var passed: Bool { lost.isEmpty && duplicated.isEmpty && deliveredShare >= 0.999 }

    static let finished: Set<InstanceStatus> = [.succeeded, .failed, .cancelled]

    /// The chaos flow's instances, keyed by their Idempotency-Key (the tag).
    static func instances(_ store: any FlowStore) async throws -> [String: InstanceRecord] {
        var byTag: [String: InstanceRecord] = [:]
        var cursor: InstanceCursor?
        while true {
            let page = try await store.instances(matching: InstanceFilter(flow: ChaosFlow.name, limit: 1_000, after: cursor))
            // The API stores an Idempotency-Key as `api/<agency>/<key>`.
            for record in page {
                if let key = record.idempotencyKey, let tag = key.split(separator: "/").last { byTag[String(tag)] = record }
            }
            guard page.count == 1_000, let last = page.last else { return byTag }
            cursor = InstanceCursor(createdAt: last.createdAt, id: last.id)
        }
    }

    /// How many of `tags` have finished.
    static func finishedCount(_ database: String, tags: Set<String>) async throws -> Int {
        try await StoreConfiguration.from(url: database).withStore(adding: TravelSchema.schema) { opened in
            try await instances(opened.flowStore).filter { tags.contains($0.key) && finished.contains($0.value.status) }.count
        }
    }

    static func collect(database: String, tags: [String], baseline: [String], fake: FakeProviderServer) async throws
        -> ChaosReport
    {
        var report = ChaosReport()
        report.injected = fake.faults.injected
        report.drawn = fake.faults.drawn
        let accepted = fake.acceptedCounts { $0.body ?? "" }
        report.duplicated = accepted.filter { $0.value > 1 }
        for tag in tags {
            for send in ChaosFlow.sends {
                report.expectedSends += 1
                if accepted[ChaosFlow.body(tag: tag, send: send)] != nil { report.deliveredSends += 1 }
            }
        }
        let counted = report
        return try await StoreConfiguration.from(url: database).withStore(adding: TravelSchema.schema) { opened in
            var report = counted
            let store = opened.flowStore
            let records = try await instances(store)
            for tag in baseline {
                guard let record = records[tag], finished.contains(record.status) else { continue }
                report.baselineEndToEnd.samples.append(Double((record.updatedAt - record.createdAt).milliseconds))
            }
            for tag in tags {
                guard let record = records[tag] else {
                    report.lost.append(tag)
                    continue
                }
                report.statuses[record.status, default: 0] += 1
                guard finished.contains(record.status) else {
                    report.lost.append(tag)
                    continue
                }
                report.endToEnd.samples.append(Double((record.updatedAt - record.createdAt).milliseconds))
                if record.status == .failed { report.failed.append("\(tag) at \(record.state)") }
                for entry in try await store.history(instanceID: record.id, after: 0) {
                    switch entry.kind {
                    case .effectInDoubt:
                        let step = entry.details["step"]?.stringValue ?? "?"
                        report.inDoubt["\(step): \(entry.details["resolution"]?.stringValue ?? "?")", default: 0] += 1
                    case .stepFailed:
                        let error = entry.details["error"]
                        let label = "\(error?["class"]?.stringValue ?? "?") (\(error?["code"]?.stringValue ?? "?"))"
                        report.failures[label, default: 0] += 1
                    case .retryScheduled:
                        report.retriesScheduled += 1
                    default:
                        break
                    }
                }
            }
            return report
        }
    }

    func render(options: ChaosOptions, kills: Int, elapsed: Duration, events: [String], approvals: Int, startRetries: Int)
        -> String
    {
        func percent(_ part: Int, _ whole: Int) -> String {
            whole == 0 ? "-" : String(format: "%.2f %%", Double(part) * 100 / Double(whole))
        }
        func sorted(_ counts: [String: Int]) -> String {
            counts.isEmpty ? "none" : counts.sorted { $0.value > $1.value || ($0.value == $1.value && $0.key < $1.key) }
                .map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        }
        let finishedCount = statuses.filter { Self.finished.contains($0.key) }.values.reduce(0, +)
        var lines: [String] = []
        lines.append("  run: \(elapsed) for the faulty phase; \(kills) SIGKILLs; \(approvals) approvals decided over the API; "
                     + "\(startRetries) start requests repeated (daemon down)")
        for event in events { lines.append("  \(event)") }
        lines.append("  instances: \(options.instances) started, \(finishedCount) finished "
                     + "(\(statuses[.succeeded] ?? 0) succeeded, \(statuses[.failed] ?? 0) failed, "
                     + "\(statuses[.cancelled] ?? 0) cancelled), \(lost.count) lost")
        if !lost.isEmpty { lines.append("    lost: \(lost.prefix(10).joined(separator: ", "))") }
        if !failed.isEmpty { lines.append("    failed: \(failed.prefix(10).joined(separator: ", "))") }
        let requests = drawn.values.reduce(0, +)
        let faults = injected.values.flatMap(\.values).reduce(0, +)
        lines.append("  faults injected: \(faults) of \(requests) provider requests (\(percent(faults, requests)))")
        for provider in FakeProvider.allCases {
            guard let kinds = injected[provider] else { continue }
            let text = kinds.sorted { $0.key < $1.key }.map { "\($0.key.rawValue) \($0.value)" }.joined(separator: ", ")
            lines.append("    \(provider.rawValue): \(text) of \(drawn[provider] ?? 0) requests")
        }
        lines.append("  sends: \(expectedSends) expected, \(deliveredSends) delivered (\(percent(deliveredSends, expectedSends)) "
                     + "within the retry budget of \(ChaosFlow.maxAttempts) attempts), \(duplicated.count) duplicated "
                     + "(counted at the fake Twilio per idempotency key)")
        if !duplicated.isEmpty { lines.append("    duplicated: \(sorted(duplicated).prefix(400))") }
        lines.append("  in-doubt effects: \(inDoubt.values.reduce(0, +)) — \(sorted(inDoubt))")
        lines.append("  failed attempts by error class: \(failures.values.reduce(0, +)) — \(sorted(failures))")
        lines.append("  retries scheduled: \(retriesScheduled)")
        lines.append("  end-to-end, faults + kills: \(endToEnd.summary)")
        if !baselineEndToEnd.samples.isEmpty {
            lines.append("  end-to-end, baseline (no faults, no kills): \(baselineEndToEnd.summary)")
            let added = endToEnd.percentile(0.99) - baselineEndToEnd.percentile(0.99)
            lines.append("  p99 delay added by the faults and kills: \(Latencies.format(added)) ms")
        }
        lines.append(passed
            ? "  PASSED: 0 lost, 0 duplicates, \(percent(deliveredSends, expectedSends)) delivered"
            : "  FAILED: \(lost.count) lost, \(duplicated.count) duplicated, \(percent(deliveredSends, expectedSends)) delivered (need ≥ 99.9 %)")
        return lines.joined(separator: "\n")
    }
}
