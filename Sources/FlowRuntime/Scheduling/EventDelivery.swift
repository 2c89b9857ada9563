public import FlowEngine

/// Delivers an event to the instances waiting for it: every waiting instance (of the agency, or of
/// every agency for an admin) of a flow whose waits listen to the event, whose waiting frame's
/// correlation equals the event's key (a wait without a correlation takes any key). Each gets an
/// inbox event and becomes due at once; a `dedupKey` (the caller's `Idempotency-Key`) makes a
/// repeated delivery a no-op.
///
/// Finding them reads the waiting instances of those flows, page by page (`pageSize` per round trip, keyset
/// order) until the last, and decodes their states: linear in the waiting instances of the flows
/// that listen to the event (no index of event waits yet), with none left out. Lookback is per
/// instance (events an instance received before its wait began), so an event for an instance not
/// yet waiting is not kept for it.
public struct EventDelivery<Store: FlowStore>: Sendable {

    /// One instance the event reached.
    public struct Delivered: Sendable, Hashable {
        public var flow: String
        public var instance: String

        public init(flow: String, instance: String) {
            self.flow = flow
            self.instance = instance
        }
    }

    public let store: Store
    public let registry: DefinitionRegistry
    public let wakeup: WorkerWakeup?
    /// How many waiting instances of one flow are read per round trip.
    public let pageSize: Int

    public init(store: Store, registry: DefinitionRegistry, wakeup: WorkerWakeup? = nil, pageSize: Int = 1_000) {
        self.store = store
        self.registry = registry
        self.wakeup = wakeup
        self.pageSize = max(1, pageSize)
    }

    /// Delivers `name` with `key` and `payload` to every instance waiting for it in `agency` (nil: all).
    public func deliver(
        event name: String, key: String?, payload: Value, agency: String?, dedupKey: String?, at now: Instant
    ) async throws -> [Delivered] {
        var delivered: [Delivered] = []
        for flow in registry.flowNames where registry.current(flow)?.flow.awaitedEvents.contains(name) == true {
            var page = InstanceFilter(flow: flow, agencyID: agency, status: .waiting, limit: pageSize)
            while true {
                let waiting = try await store.instances(matching: page)
                for record in waiting {
                    guard let state = try? InstanceStateCoding.decode(record.state),
                          state.awaits(event: name, key: key) else { continue }
                    try await deliver(name, key: key, payload: payload, to: record.id, dedupKey: dedupKey, at: now)
                    delivered.append(Delivered(flow: flow, instance: record.id))
                }
                guard waiting.count == pageSize, let last = waiting.last else { break }
                page.after = InstanceCursor(after: last)
            }
        }
        return delivered
    }

    /// Delivers `name` to one instance, waiting for it or not (not waiting: it is kept for a wait's
    /// lookback, else recorded in the timeline only).
    public func deliver(
        _ name: String, key: String?, payload: Value, to instanceID: String, dedupKey: String?, at now: Instant
    ) async throws {
        let body: Value = ["name": .string(name), "key": key.map(Value.string) ?? .null, "payload": payload]
        try await store.deliver(InboxEvent(
            instanceID: instanceID, kind: "event", payload: body, dedupKey: dedupKey.map { "event/\($0)/\(instanceID)" },
            at: now))
        wakeup?.ring()
    }
}
