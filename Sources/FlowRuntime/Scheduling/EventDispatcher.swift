public import FlowEngine

/// Starts the flows whose `event:` triggers name a domain event (`trip.created`), exactly once per
/// evaluated trigger key: the instance's idempotency key is `event/<flow>/<key>`, so the same trip
/// arriving through any path (`flowctl start`, `POST /events/trip.created`, a replica) finds the
/// instance that already exists.
public struct EventDispatcher<Store: FlowStore>: Sendable {
    /// Why an event could not start a flow: bad payload, a key that does not evaluate.
    public struct DispatchError: Error, Sendable, Hashable, CustomStringConvertible {
        public var flow: String
        public var message: String
        public var description: String { "\(flow): \(message)" }
    }

    /// One flow the event started (or found already started).
    public struct Started: Sendable, Hashable {
        public var flow: String
        public var key: String
        /// False when the key was used before: the existing instance is returned.
        public var created: Bool
        public var instance: InstanceRecord
    }

    /// The instance key and flow input an event trigger derives from an event.
    public struct Derived: Sendable, Hashable {
        public var idempotencyKey: String
        public var input: Value
    }

    public let starter: InstanceStarter<Store>

    /// `wakeup` is rung for each created instance, so an idle worker of this process claims it at once.
    public init(store: Store, registry: DefinitionRegistry, wakeup: WorkerWakeup? = nil) {
        self.starter = InstanceStarter(store: store, registry: registry, wakeup: wakeup)
    }

    /// The flows (current versions) with an event trigger for `event`.
    public static func listeners(of event: String, in registry: DefinitionRegistry) -> [(flow: String, trigger: EventTrigger)] {
        registry.flowNames.compactMap { name in
            registry.current(name).flatMap { trigger(of: $0.flow, event: event) }.map { (name, $0) }
        }
    }

    /// The flow's first event trigger (for `event` when given).
    public static func trigger(of flow: Flow, event: String? = nil) -> EventTrigger? {
        for case .event(let trigger) in flow.triggers where event == nil || trigger.event.value == event {
            return trigger
        }
        return nil
    }

    /// Maps an event to the flow input (the trigger's `input:`, else the payload itself), checks it
    /// against the flow's declared input, and evaluates the trigger key over it. The key sees
    /// `input` (the mapped input), `event` (`name`, `payload`) and `settings`; with `payload` nil
    /// (a direct `flowctl start`) `event` is not bound and `input` is the given input.
    public static func derive(
        flow: Flow, trigger: EventTrigger, payload: Value?, input given: Value? = nil, settings: Value
    ) throws(DispatchError) -> Derived {
        let name = flow.name.value
        func fail(_ message: String) -> DispatchError { DispatchError(flow: name, message: message) }
        var bindings: [String: Value] = ["settings": settings]
        if let payload {
            bindings["event"] = .object(["name": .string(trigger.event.value), "payload": payload])
        }
        var input = given ?? payload ?? .object([:])
        if given == nil, let mapping = trigger.input {
            do {
                input = try ExpressionEvaluation.evaluate(mapping, in: EvaluationContext(bindings: bindings))
            } catch {
                throw fail("trigger input: \(error)")
            }
        }
        do {
            input = try DryRunInputCheck.typed(DryRunDocument(input), declaredBy: flow.input)
        } catch {
            throw fail("input: \(error)")
        }
        guard let keyTemplate = trigger.key else {
            throw fail("the '\(trigger.event.value)' trigger declares no key; pass one explicitly")
        }
        bindings["input"] = DeclaredTypes.input(input, fields: flow.input)
        let key: Value
        do {
            key = try ExpressionEvaluation.evaluate(keyTemplate, in: EvaluationContext(bindings: bindings))
        } catch {
            throw fail("trigger key: \(error)")
        }
        let text = key.stringValue ?? key.jsonText
        guard key != .null, !text.isEmpty else { throw fail("trigger key evaluated to an empty value") }
        return Derived(idempotencyKey: "event/\(name)/\(text)", input: input)
    }

    /// The agency an instance runs for: `explicit` (`--agency`, `?agency=`), else the input's
    /// `trip.agency_id`. An explicit agency that contradicts the input's is an error saying both.
    public static func agency(explicit: String?, input: Value, flow: String) throws(DispatchError) -> String? {
        let stated = input["trip"]?["agency_id"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
        guard let explicit else { return stated }
        if let stated, stated != explicit {
            throw DispatchError(flow: flow, message: """
                agency '\(explicit)' contradicts the input's trip.agency_id '\(stated)' (leave the agency out \
                to use the input's, or correct the input)
                """)
        }
        return explicit
    }

    /// Starts every flow listening to `event` with `payload`; each at most once per key. The agency
    /// is `agency`, else the mapped input's `trip.agency_id` (see `agency(explicit:input:flow:)`).
    /// A `trip.created` payload's trip is recorded in `trips` (`TripRecorder`) once every listener
    /// accepted the payload, before any flow starts.
    public func dispatch(event: String, payload: Value, agency explicit: String?, at now: Instant) async throws -> [Started] {
        var started: [Started] = []
        var accepted: [(name: String, derived: Derived, agency: String?)] = []
        for (name, trigger) in Self.listeners(of: event, in: starter.registry) {
            guard let loaded = starter.registry.current(name) else { continue }
            func derive(for agency: String?) throws -> Derived {
                let settings: [String: Value]
                do {
                    settings = try starter.registry.runtimeSettings(flow: name, agency: agency)
                } catch {
                    throw DispatchError(flow: name, message: "settings: \(error)")
                }
                return try Self.derive(flow: loaded.flow, trigger: trigger, payload: payload, settings: .object(settings))
            }
            var derived = try derive(for: explicit)
            let agency = try Self.agency(explicit: explicit, input: derived.input, flow: name)
            // The key and input mapping see the agency's settings.
            if agency != explicit { derived = try derive(for: agency) }
            accepted.append((name, derived, agency))
        }
        if event == TripRecorder<Store>.event {
            let agency = try Self.agency(explicit: explicit, input: payload, flow: "trips")
            do {
                try await TripRecorder(store: starter.store).record(payload, agency: agency, at: now)
            } catch let error as TripRecord.DocumentError {
                throw DispatchError(flow: "trips", message: error.description)
            }
        }
        for (name, derived, agency) in accepted {
            let result = try await starter.start(
                flow: name, input: derived.input, agency: agency, idempotencyKey: derived.idempotencyKey, at: now)
            switch result {
            case .created(let record):
                started.append(Started(flow: name, key: derived.idempotencyKey, created: true, instance: record))
            case .existing(let record):
                started.append(Started(flow: name, key: derived.idempotencyKey, created: false, instance: record))
            }
        }
        return started
    }
}
