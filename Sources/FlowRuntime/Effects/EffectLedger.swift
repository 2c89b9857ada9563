public import FlowEngine
public import Steps

/// Runs side-effecting step calls under the store's effect ledger.
///
/// The call is recorded under its key before it is made and completed after. A key seen again
/// (a crash between the two, or a lease lost mid-call) is resolved by the step's declared
/// in-doubt policy: `lookup` asks the provider whether it happened (`Step.lookUp`, e.g. Twilio's
/// message list), `resend` calls again (the step deduplicates, or a repeat is harmless), `alert`
/// gives up with an operations alert. A step's attempt after the ledger knew the effect runs with
/// `StepContext.rerun` set, so a step that deduplicates itself knows to look. A call whose outcome is
/// unknown is never sent again blindly: a timeout or a failed connection is recorded as in doubt,
/// not as failed.
public struct EffectLedger<Store: FlowStore>: Sendable {
    public let store: Store

    public init(store: Store) {
        self.store = store
    }

    /// The ledger key of a call: the instance plus the step's idempotency key (shared by retries).
    public static func key(instanceID: String, idempotencyKey: String) -> String {
        "\(instanceID)/\(idempotencyKey)"
    }

    /// Performs `step` at most once per key; the outcome plus timeline entries (alerts, resolutions).
    /// Every side-effecting step of a durable run goes through here.
    ///
    /// Throws the store's error when the ledger cannot be reached before the call is made: nothing
    /// was sent and no attempt is used up — the caller abandons the transition, the lease expires,
    /// and a later run makes the call (a database outage must not fail an instance).
    ///
    /// `leaseHeld` says whether the caller's lease still covers the call. Asked once the ledger
    /// answered (a write that waited out a database outage can answer after the lease ran out, when
    /// another run may already hold the instance): when it no longer does, nothing is sent and the
    /// call throws `StoreError(.leaseLost)`; the entry stays pending, and the run that holds the
    /// instance resolves it as in doubt (nothing at the provider: it sends).
    public func perform(
        _ step: any Step, call: StepCall, key: String, instanceID: String, context: StepContext,
        leaseHeld: (@Sendable () -> Bool)? = nil
    ) async throws -> (StepOutcome, [HistoryEntry]) {
        let signature = type(of: step).signature
        let record = EffectRecord(
            key: key, instanceID: instanceID, step: signature.name, request: .object(call.arguments),
            startedAt: context.now)
        let begun = try await store.beginEffect(record)
        if Self.mayCall(begun), let leaseHeld, !leaseHeld() {
            throw StoreError(.leaseLost, "the lease on '\(instanceID)' ran out while the effect ledger was written; \(signature.name) not called")
        }
        switch begun {
        case .started:
            return (try await run(step, call: call, key: key, context: context), [])
        case .done(let existing):
            return (.success(existing.result ?? .null), [])
        case .failed(let existing):
            let failure = Self.failure(from: existing.result)
            guard failure.isRetryable else { return (.failure(failure), []) }
            // A retryable failure means the provider refused the call: a new attempt may send.
            try await store.completeEffect(key: key, status: .pending, result: nil, providerID: nil)
            return (try await run(step, call: call, key: key, context: context.rerunning), [])
        case .inDoubt(let existing):
            return try await resolve(
                step, policy: signature.inDoubt, existing: existing, call: call, key: key, context: context.rerunning)
        }
    }

    private func resolve(
        _ step: any Step, policy: StepSignature.InDoubtPolicy, existing: EffectRecord, call: StepCall, key: String,
        context: StepContext
    ) async throws -> (StepOutcome, [HistoryEntry]) {
        let name = existing.step
        func note(_ resolution: String) -> HistoryEntry {
            HistoryEntry(at: context.now, .effectInDoubt(step: name, key: key, policy: policy.rawValue,
                                                         resolution: resolution))
        }
        switch policy {
        case .resend:
            return (try await run(step, call: call, key: key, context: context), [note("resent")])
        case .lookup:
            switch await step.lookUp(call, context: context, since: existing.startedAt) {
            case .happened(let result, let providerID):
                try? await store.completeEffect(key: key, status: .done, result: result, providerID: providerID)
                return (.success(result), [note("found at provider")])
            case .notHappened:
                return (try await run(step, call: call, key: key, context: context), [note("not at provider; sent")])
            case .unknown(let failure):
                // Still unknown: leave it in doubt and fail this attempt without sending.
                let reason = StepFailure(.transient, code: "effect.in_doubt",
                                         message: "could not tell whether \(name) was sent: \(failure.message)")
                return (.failure(reason), [note("lookup failed; not resent")])
            case .unsupported:
                return await alert()
            }
        case .alert:
            return await alert()
        }

        func alert() async -> (StepOutcome, [HistoryEntry]) {
            let failure = StepFailure(.permanent, code: "effect.in_doubt",
                                      message: "\(name) may or may not have happened; not repeated")
            try? await store.completeEffect(key: key, status: .failed, result: Self.value(of: failure), providerID: nil)
            let alert = HistoryEntry(
                at: context.now, .alert(code: "EFFECT_IN_DOUBT", message: failure.message, key: key))
            return (.failure(failure), [note("alert"), alert])
        }
    }

    /// Makes the call and completes the ledger entry; a timeout stays in doubt. A store failure the
    /// step throws (before anything happened) leaves the entry pending and abandons the transition.
    private func run(_ step: any Step, call: StepCall, key: String, context: StepContext) async throws -> StepOutcome {
        let outcome = try await step.perform(call, context: context)
        let status: EffectRecord.Status
        let result: Value?
        var providerID: String?
        switch outcome {
        case .success(let value):
            status = .done
            result = value
            providerID = value["sid"]?.stringValue ?? value["id"]?.stringValue
        case .failure(let failure):
            status = Self.mayHaveHappened(failure) ? .inDoubt : .failed
            result = Self.value(of: failure)
        }
        try? await store.completeEffect(key: key, status: status, result: result, providerID: providerID)
        return outcome
    }

    /// Whether the call may have reached the provider although no answer came back: a timeout,
    /// or a connection that failed (a reset can come after the provider accepted the request).
    /// Such a call is in doubt — the next attempt resolves it by the step's policy — never a
    /// plain failure that a retry would send again.
    static func mayHaveHappened(_ failure: StepFailure) -> Bool {
        failure.errorClass == .timeout || failure.code == "transport.connection"
    }

    /// Whether the ledger's answer may lead to calling the provider (an earlier success is answered
    /// as recorded, an earlier permanent failure as it failed).
    static func mayCall(_ begun: EffectBeginResult) -> Bool {
        switch begun {
        case .done: false
        case .failed(let existing): failure(from: existing.result).isRetryable
        case .started, .inDoubt: true
        }
    }

    static func value(of failure: StepFailure) -> Value {
        ["class": .string(failure.errorClass.rawValue), "code": .string(failure.code), "message": .string(failure.message)]
    }

    static func failure(from value: Value?) -> StepFailure {
        let errorClass = value?["class"]?.stringValue.flatMap(ErrorClass.init(rawValue:)) ?? .permanent
        return StepFailure(errorClass, code: value?["code"]?.stringValue ?? "effect.failed",
                           message: value?["message"]?.stringValue ?? "failed before")
    }
}

extension StepContext {
    /// The context of an attempt of an effect the ledger already knew.
    var rerunning: StepContext {
        var copy = self
        copy.rerun = true
        return copy
    }
}
