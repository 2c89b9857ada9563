public import FlowEngine
import Foundation

/// Starts the flows whose `event:` triggers name an event, exactly once per evaluated trigger key:
/// the instance's idempotency key is `event/<flow>/<key>`, so the same event arriving through any
/// path (`flowctl start`, `POST /events/{name}`, a webhook, a replica) finds the instance that
/// already exists. Before any flow starts, the recorders the triggers name (`records:`) record the
/// payload once each.
public struct EventDispatcher<Store: FlowStore>: EventSink {
    /// Why an event could not start a flow (one type for every store: `EventDispatchError`).
    public typealias DispatchError = EventDispatchError

    /// One flow the event started (or found already started).
    public typealias Started = StartedInstance

    /// The instance key and flow input an event trigger derives from an event.
    public struct Derived: Sendable, Hashable {
        public var idempotencyKey: String
        public var input: Value
    }

    public let starter: InstanceStarter<Store>
    /// What triggers' `records:` name, by name (the product's).
    public let recorders: [String: any EventRecorder]

    /// `wakeup` is rung for each created instance, so an idle worker of this process claims it at once.
    public init(
        store: Store, registry: DefinitionRegistry, recorders: [String: any EventRecorder] = [:],
        wakeup: WorkerWakeup? = nil, handoff: StartHandoff? = nil
    ) {
        self.starter = InstanceStarter(store: store, registry: registry, wakeup: wakeup, handoff: handoff)
        self.recorders = recorders
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
            input = try InputCheck.typed(LocatedDocument(input), declaredBy: flow.input)
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

    /// The agency an instance runs for: `explicit` (a key's agency, `--agency`), else the trigger's
    /// `agency:` evaluated over the mapped input. An explicit agency that contradicts the trigger's
    /// is an error saying both.
    public static func agency(
        explicit: String?, trigger: EventTrigger?, input: Value, flow: String
    ) throws(DispatchError) -> String? {
        var stated: String?
        if let template = trigger?.agency {
            let bindings: [String: Value] = ["input": input]
            do {
                stated = try ExpressionEvaluation.evaluate(template, in: EvaluationContext(bindings: bindings)).stringValue
            } catch {
                throw DispatchError(flow: flow, message: "trigger agency: \(error)")
            }
            if stated?.isEmpty == true { stated = nil }
        }
        guard let explicit else { return stated }
        if let stated, stated != explicit {
            var source = "agency"
            if case .expression(let expression)? = trigger?.agency {
                source = expression.text.trimmingCharacters(in: .whitespaces)
                if source.hasPrefix("input.") { source.removeFirst("input.".count) }
            }
            throw DispatchError(flow: flow, message: """
                agency '\(explicit)' contradicts the input's \(source) '\(stated)' (leave the agency out \
                to use the input's, or correct the input)
                """)
        }
        return explicit
    }

    /// Starts every flow listening to `event` with `payload`; each at most once per key. The agency
    /// is `agency`, else the trigger's (see `agency(explicit:trigger:input:flow:)`). The recorders the
    /// triggers name record the payload once each, after every listener accepted it and before any
    /// flow starts; a payload a recorder refuses (`RecordError`) starts nothing.
    public func dispatch(event: String, payload: Value, agency explicit: String?, at now: Instant) async throws -> [Started] {
        var accepted: [(name: String, derived: Derived, agency: String?, settings: [String: Value])] = []
        var records: [(recorder: String, agency: String?)] = []
        // Each agency's stored overrides, read once per event whatever the number of listeners.
        var revisions: [String: OverrideRevision?] = [:]
        for (name, trigger) in Self.listeners(of: event, in: starter.registry) {
            guard let loaded = starter.registry.current(name) else { continue }
            func settings(for agency: String?) async throws -> [String: Value] {
                do {
                    var stored: OverrideRevision?
                    if let agency {
                        if let read = revisions[agency] {
                            stored = read
                        } else {
                            stored = try await starter.store.currentOverrides(agencyID: agency)
                            revisions[agency] = .some(stored)
                        }
                    }
                    return try starter.registry.runtimeSettings(flow: name, agency: agency, stored: stored)
                } catch {
                    throw DispatchError(flow: name, message: "settings: \(error)")
                }
            }
            var effective = try await settings(for: explicit)
            var derived = try Self.derive(flow: loaded.flow, trigger: trigger, payload: payload, settings: .object(effective))
            let agency = try Self.agency(
                explicit: explicit, trigger: trigger, input: DeclaredTypes.input(derived.input, fields: loaded.flow.input),
                flow: name)
            // The key and input mapping see the agency's settings.
            if agency != explicit {
                effective = try await settings(for: agency)
                derived = try Self.derive(flow: loaded.flow, trigger: trigger, payload: payload, settings: .object(effective))
            }
            accepted.append((name, derived, agency, effective))
            if let recorder = trigger.records?.value, !records.contains(where: { $0.recorder == recorder }) {
                records.append((recorder, agency))
            }
        }
        for (name, agency) in records {
            try await record(name, event: event, payload: payload, agency: agency, at: now)
        }
        var started: [Started] = []
        for (name, derived, agency, settings) in accepted {
            // The settings derived for the key are the instance's: derived once per event.
            let result = try await starter.start(
                flow: name, input: derived.input, agency: agency, idempotencyKey: derived.idempotencyKey,
                settings: settings, at: now)
            switch result {
            case .created(let record):
                started.append(Started(flow: name, key: derived.idempotencyKey, created: true, instance: record))
            case .existing(let record):
                started.append(Started(flow: name, key: derived.idempotencyKey, created: false, instance: record))
            }
        }
        return started
    }

    /// Runs the recorder `name` over `payload` (what a trigger's `records:` asks for; `flowctl start`
    /// runs it over a direct input). A refused payload is a `DispatchError` naming the recorder.
    public func record(_ name: String, event: String, payload: Value, agency: String?, at now: Instant) async throws {
        guard let recorder = recorders[name] else {
            throw DispatchError(flow: name, message: "no recorder '\(name)' in this runtime")
        }
        do {
            try await recorder.record(event: event, payload: payload, agency: agency, at: now)
        } catch let error as RecordError {
            throw DispatchError(flow: name, message: error.message)
        }
    }
}

/// Why an event could not start a flow: bad payload, a key that does not evaluate, a payload a
/// recorder refuses, an agency that contradicts the input's.
public struct EventDispatchError: Error, Sendable, Hashable, CustomStringConvertible {
    public var flow: String
    public var message: String
    public var description: String { "\(flow): \(message)" }

    public init(flow: String, message: String) {
        self.flow = flow
        self.message = message
    }
}
