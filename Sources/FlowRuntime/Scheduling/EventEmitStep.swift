public import FlowEngine
public import Steps

/// `event.emit`: a flow starting other flows through the same dispatcher as `POST /events/{name}`,
/// so each listener starts once per trigger key (a re-issued call after a crash finds the instances
/// it started: the in-doubt policy is `resend`). In a dry-run the sink starts nothing.
///
/// Result: `{event, started: [{flow, instance_id, created}]}`. A payload a listener refuses (its
/// input or key) is `permanent`; a store that cannot be reached is `transient`.
public struct EventEmitStep: Step {
    public static var signature: StepSignature { .eventEmit }

    let sink: any EventSink

    public init(sink: any EventSink) { self.sink = sink }

    public func run(_ call: StepCall, context: StepContext) async -> StepOutcome {
        let args = StepArguments(call.arguments)
        let name: String
        let payload: Value
        let agency: String?
        do throws(StepFailure) {
            name = try args.string("name")
            guard let given = call.arguments["payload"], given.objectValue != nil else {
                throw .badArgument("payload", "must be an object")
            }
            payload = given
            agency = try args.optionalString("agency") ?? context.agency
        } catch {
            return .failure(error)
        }
        do {
            let started = try await sink.dispatch(event: name, payload: payload, agency: agency, at: context.now)
            return .success([
                "event": .string(name),
                "started": .array(started.map { ["flow": .string($0.flow), "instance_id": .string($0.instance.id), "created": .bool($0.created)] }),
            ])
        } catch let refused as EventDispatchError {
            return .failure(StepFailure(.permanent, code: "event.refused", message: refused.description))
        } catch {
            return .failure(StepFailure(.transient, code: "store.unavailable", message: "event \(name): \(error)"))
        }
    }
}

/// The dry-run's sink: one instance is simulated, so an emitted event starts nothing.
public struct DryRunEventSink: EventSink {
    public init() {}

    public func dispatch(event: String, payload: Value, agency: String?, at now: Instant) async throws -> [StartedInstance] { [] }
}
