public import FlowEngine

/// A stored instance shown in the dry-run's shapes: the same `messages`, `timeline`, `alerts` and
/// text rendering (`DryRunReport`), built from the instance row and its `instance_events`.
public struct StoredInstanceReport: Sendable {
    public var instance: InstanceRecord
    public var report: DryRunReport

    /// `definition` gives the version (`<declared>+<7 hex of the hash>`); history is the whole timeline.
    /// `calls` counts step attempts by provider: `twilio.*`, `aeroapi.*`, `openai.*`, and a product's
    /// steps that call one (`stepProviders`, e.g. the travel product's `notify` → `twilio`).
    public init(
        instance: InstanceRecord, definition: StoredDefinition?, history: [HistoryEntry],
        stepProviders: [String: String] = [:]
    ) {
        self.instance = instance
        let version = StoredDefinition.label(definition, hash: instance.definitionHash)
        var calls: [String: Int] = [:]
        for entry in history where entry.kind == .stepCalled {
            guard let step = entry.entry.step,
                  let prefix = step.split(separator: ".").first.map(String.init) else { continue }
            let provider = stepProviders[prefix] ?? prefix
            if ["twilio", "aeroapi", "openai"].contains(provider) { calls[provider, default: 0] += 1 }
        }
        report = DryRunReport(
            flow: instance.flow, version: version, agency: instance.agencyID, start: instance.createdAt,
            end: history.last.map { max($0.at, instance.updatedAt) } ?? instance.updatedAt,
            status: instance.status.rawValue, history: history, calls: calls)
    }

    /// Loads an instance, its definition and its whole history; nil when there is no such instance.
    public static func load(
        id: String, from store: some FlowStore, stepProviders: [String: String] = [:]
    ) async throws -> StoredInstanceReport? {
        guard let instance = try await store.instance(id: id) else { return nil }
        let definition = try await store.definition(hash: instance.definitionHash)
        let history = try await store.history(instanceID: id, after: 0)
        return StoredInstanceReport(
            instance: instance, definition: definition, history: history, stepProviders: stepProviders)
    }

    /// The dry-run's JSON object plus the instance's `id`, `key` and `wake_at`.
    public var json: Value {
        guard case .object(var members) = report.json else { return report.json }
        members["id"] = .string(instance.id)
        members["key"] = instance.idempotencyKey.map(Value.string) ?? .null
        members["wake_at"] = instance.wakeAt.map(Value.instant) ?? .null
        return .object(members)
    }

    /// The dry-run's text timeline under a line naming the instance.
    public var text: String {
        var head = "instance \(instance.id)"
        if let key = instance.idempotencyKey { head += " · key \(key)" }
        if let wake = instance.wakeAt, !instance.status.isFinished { head += " · wakes \(wake)" }
        return head + "\n" + report.text
    }
}
