public import FlowEngine

/// Delivers an event to the instances waiting for it: every unfinished instance (of the agency, or
/// of every agency for an admin) of a flow whose waits listen to the event, one of whose frames
/// waits for the event with a correlation equal to the event's key (a wait without a correlation
/// takes any key). Each gets an inbox event and becomes due at once; a `dedupKey` (the caller's
/// `Idempotency-Key`) makes a repeated delivery a no-op.
///
/// A `running` instance counts too: its stored state is the one its current run started from, so a
/// frame that waited there (e.g. a parallel branch listening for `trip.cancelled` while another
/// branch calls a step) still does; the inbox event is claimed once the run commits, and an event
/// no frame waits for any more is kept for a later wait's lookback.
///
/// Finding them reads the waiting and running instances of those flows, page by page (`pageSize`
/// per round trip, keyset order) until the last, and decodes their states: linear in those
/// instances (no index of event waits yet), with none left out. Lookback is per instance (events an
/// instance received before its wait began), so an event for an instance none of whose frames waits
/// for it is not kept for it.
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
        // An instance that moves from waiting to running between the two reads is reached once.
        var reached: Set<String> = []
        for flow in registry.flowNames where registry.current(flow)?.flow.awaitedEvents.contains(name) == true {
            for status in [InstanceStatus.waiting, .running] {
                var page = InstanceFilter(flow: flow, agencyID: agency, status: status, limit: pageSize)
                while true {
                    let unfinished = try await store.instances(matching: page)
                    for record in unfinished {
                        guard !reached.contains(record.id), let state = try? InstanceStateCoding.decode(record.state),
                              state.awaits(event: name, key: key) else { continue }
                        reached.insert(record.id)
                        try await deliver(name, key: key, payload: payload, to: record.id, dedupKey: dedupKey, at: now)
                        delivered.append(Delivered(flow: flow, instance: record.id))
                    }
                    guard unfinished.count == pageSize, let last = unfinished.last else { break }
                    page.after = InstanceCursor(after: last)
                }
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
