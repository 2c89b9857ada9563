public import FlowEngine
public import FlowRuntime
public import Travel
import Foundation

/// Records the conformance checks build on.
public enum StoreFixtures {
    /// A fixed starting instant with a millisecond part, so truncation would show.
    public static let t0 = Instant(epochMilliseconds: 1_752_000_000_123)

    public static let definition = StoredDefinition(
        name: "flight-notifications", hash: "sha256-conformance", version: 1, source: "name: flight-notifications\n",
        createdAt: t0
    )

    /// A unique identifier for one check (stores may be shared between runs).
    public static func uniqueID(_ prefix: String) -> String {
        "\(prefix)-\(UUID().uuidString.lowercased().prefix(12))"
    }

    public static func instance(
        id: String = uniqueID("inst"), status: InstanceStatus = .running, wakeAt: Instant? = t0,
        idempotencyKey: String? = nil, agencyID: String? = "agency-1", flow: String = "flight-notifications",
        state: String = #"{"state":"start"}"#
    ) -> InstanceRecord {
        InstanceRecord(
            id: id, flow: flow, definitionHash: definition.hash, agencyID: agencyID, status: status, state: state,
            settings: #"{"delay_threshold":"15m"}"#, wakeAt: wakeAt, idempotencyKey: idempotencyKey,
            createdAt: t0, updatedAt: t0
        )
    }

    /// Saves the definition and creates the instance; fails the check if it was not created.
    @discardableResult
    public static func create(
        _ instance: InstanceRecord, in store: any FlowStore, history: [HistoryEntry] = []
    ) async throws -> InstanceRecord {
        try await store.saveDefinition(definition)
        guard case .created(let created) = try await store.createInstance(instance, history: history) else {
            throw StoreError(.conflict, "fixture instance \(instance.id) already existed")
        }
        return created
    }

    /// An entry as a row with kind `kind` stores it (any name, known or not).
    public static func entry(_ kind: String, at: Instant = t0, _ details: Value = .object([:])) -> HistoryEntry {
        HistoryEntry(sequence: 0, at: at, storedKind: kind, details: details)
    }

    public static func claim(trip: String, type: String = "REMINDER_24H", key: String = "default") -> NotificationClaim {
        NotificationClaim(
            tripID: trip, agencyID: "agency-1", type: type, key: key, instanceID: nil, to: "+5491155550000",
            template: "recordatorio_24h", variables: ["1": "Ana", "2": "EZE"], at: t0
        )
    }
}
