/// Step calls, their outcomes, and retries with backoff.
extension TransitionContext {
    /// Starts an attempt: the first one (`retryOf` nil) evaluates arguments and the idempotency key.
    /// `entering` is the frame as the caller already read it (one copy of the stored frame).
    mutating func callStep(
        _ frameID: String, _ step: StepState, retryOf previous: Frame.StepAttempt?, entering: Frame? = nil
    ) throws(FlowError) {
        let frame = entering ?? frameIndex(frameID).map { state.frames.values[$0] }
        // Arguments, key and timeout see the same bindings: the context is built once for all of them.
        let context = evaluationContext(scope: frame?.scope ?? [:])
        let attempt: Frame.StepAttempt
        if let previous {
            attempt = Frame.StepAttempt(
                callID: state.nextID("c"), attempt: previous.attempt + 1, firstAttemptAt: previous.firstAttemptAt,
                idempotencyKey: previous.idempotencyKey, arguments: previous.arguments, resumedAfter: previous.resumedAfter)
        } else {
            var arguments: [String: Value] = [:]
            arguments.reserveCapacity(step.arguments.count)
            for argument in step.arguments { arguments[argument.name.value] = try evaluate(argument.value, in: context) }
            let callID = state.nextID("c")
            let key: String
            if let template = step.idempotencyKey {
                let value = try evaluate(template, in: context)
                key = value.stringValue ?? value.jsonText
            } else {
                key = callID
            }
            attempt = Frame.StepAttempt(
                callID: callID, attempt: 1, firstAttemptAt: now, idempotencyKey: key, arguments: .object(arguments))
        }
        let deadline = try step.timeout.map { (t) throws(FlowError) in now + (try evaluateDuration(t, in: context)) }
        setPhase(frameID, .awaitingStep(attempt))
        let stateName = frame?.state ?? ""
        actions.append(.callStep(StepInvocation(
            callID: attempt.callID, step: step.step.value, arguments: attempt.arguments,
            idempotencyKey: attempt.idempotencyKey, attempt: attempt.attempt, deadline: deadline, state: stateName,
            frameID: frameID)))
        emit(.stepCalled(state: stateName, step: step.step.value, attempt: attempt.attempt, callID: attempt.callID,
                         input: attempt.arguments), in: frameID)
    }

    /// The frame waiting for `callID` with its step state and the state's name, if any.
    func awaiting(callID: String) -> (String, Frame.StepAttempt, StepState, String)? {
        for (id, frame) in state.frames {
            guard case .awaitingStep(let attempt) = frame.phase, attempt.callID == callID,
                  case .step(let step)? = definition(of: frame)?.kind
            else { continue }
            return (id, attempt, step, frame.state)
        }
        return nil
    }

    mutating func stepSucceeded(callID: String, output: Value) {
        if noticeAnswered(callID, output: output, error: nil) { return }
        guard let (frameID, attempt, step, stateName) = awaiting(callID: callID) else {
            emit(.ignored(reason: "no step awaits call \(callID)"))
            return
        }
        emit(.stepSucceeded(state: stateName, step: step.step.value, attempt: attempt.attempt, output: output),
             in: frameID)
        saveVar(step.save, output)
        if let index = frameIndex(frameID) { state.frames.values[index].lastOutput = output }
        transfer(frameID, to: step.next)
    }

    mutating func stepFailed(callID: String, error: StepError) {
        if noticeAnswered(callID, output: nil, error: error) { return }
        guard let (frameID, attempt, step, stateName) = awaiting(callID: callID) else {
            emit(.ignored(reason: "no step awaits call \(callID)"))
            return
        }
        emit(.stepFailed(state: stateName, step: step.step.value, attempt: attempt.attempt, error: error.flowError),
             in: frameID)
        do throws(FlowError) {
            if let policy = step.retry, let wake = try retryTime(policy, after: attempt, error: error, in: frameID) {
                let timer = setTimer(at: wake)
                setPhase(frameID, .retrying(attempt, timer: timer))
                emit(.retryScheduled(state: stateName, step: step.step.value, attempt: attempt.attempt + 1, at: wake,
                                     timer: timer), in: frameID)
                return
            }
            if let policy = step.retry, policy.exhausted == .pause, policy.retriedClasses.contains(error.errorClass) {
                setPhase(frameID, .paused(attempt, error: error.flowError, since: now))
                emit(.stepPaused(state: stateName, step: step.step.value, attempt: attempt.attempt, error: error.flowError),
                     in: frameID)
                return
            }
            raise(frameID, error.flowError)
        } catch {
            raise(frameID, error)
        }
    }

    /// When the next attempt runs, or nil when the policy says to stop.
    func retryTime(
        _ policy: RetryPolicy, after attempt: Frame.StepAttempt, error: StepError, in frameID: String
    ) throws(FlowError) -> Instant? {
        guard policy.retriedClasses.contains(error.errorClass) else { return nil }
        let maxValue = try evaluate(policy.maxAttempts, in: frameID)
        guard let maxAttempts = maxValue.intValue else {
            throw FlowError(.expression, message: "\(policy.location): max_attempts must be an integer")
        }
        guard attempt.roundAttempt < maxAttempts else { return nil }
        let factorValue = try policy.factor.map { (t) throws(FlowError) in try evaluate(t, in: frameID) }
        let backoff = RetryBackoff(
            initial: try policy.initial.map { (t) throws(FlowError) in try evaluateDuration(t, in: frameID) } ?? .seconds(1),
            factor: factorValue?.numberValue ?? 2,
            maxDelay: try policy.maxDelay.map { (t) throws(FlowError) in try evaluateDuration(t, in: frameID) } ?? .minutes(5),
            jitter: policy.jitter?.value ?? .none)
        var delay = backoff.delay(afterAttempt: attempt.roundAttempt, instanceID: state.instanceID)
        if let after = error.retryAfter, after > delay { delay = after }
        let wake = now + delay
        if let budgetTemplate = policy.budget {
            let budget = try evaluateDuration(budgetTemplate, in: frameID)
            guard wake <= attempt.firstAttemptAt + budget else { return nil }
        }
        return wake
    }
}

/// Paused steps (`on_exhausted: pause`) and a person's resume.
extension TransitionContext {
    /// Resumes every paused frame, in frame order: `retry` calls the step again with a fresh round of
    /// attempts (the attempt number keeps counting, so a step knows it ran before); `fail` lets the
    /// error that paused it go on to its `catch` clauses, or fail the flow.
    mutating func resume(_ request: ResumeRequest) {
        let paused = state.frames.values.sorted { $0.id < $1.id }.compactMap { frame -> (Frame, Frame.StepAttempt, FlowError)? in
            guard case .paused(let attempt, let error, _) = frame.phase else { return nil }
            return (frame, attempt, error)
        }
        guard !paused.isEmpty else {
            emit(.ignored(reason: "nothing is paused"))
            return
        }
        for (frame, attempt, error) in paused {
            // An earlier frame's error may have ended this one (a failed branch cancels its siblings).
            guard !state.status.isFinished, let index = frameIndex(frame.id),
                  case .paused = state.frames.values[index].phase
            else { continue }
            guard case .step(let step)? = definition(of: frame)?.kind else {
                raise(frame.id, error)
                continue
            }
            emit(.resumed(state: frame.state, step: step.step.value, action: request.action, by: request.by,
                          note: request.note), in: frame.id)
            switch request.action {
            case .retry:
                var round = attempt
                round.resumedAfter = attempt.attempt
                round.firstAttemptAt = now
                do throws(FlowError) {
                    try callStep(frame.id, step, retryOf: round)
                } catch {
                    raise(frame.id, error)
                }
            case .fail:
                raise(frame.id, error)
            }
        }
    }
}
