/// Waits (timers, send windows, events) and approvals.
extension TransitionContext {
    /// `frame` is frame `frameID` as the caller read it; nothing the templates read changes until
    /// the timer is set, so they share one context.
    mutating func startWait(_ frameID: String, _ wait: WaitState, entering frame: Frame) throws(FlowError) {
        let stateName = frame.state
        let context = evaluationContext(scope: frame.scope)
        let due: Instant
        switch wait.condition {
        case .duration(let template): due = now + (try evaluateDuration(template, in: context))
        case .until(let template): due = max(now, try evaluateInstant(template, in: context))
        case .event(let eventWait):
            try awaitEvent(frameID, eventWait)
            return
        }
        var wake = due
        var deferredFrom: Instant? = nil
        if let window = wait.window {
            let quiet = try evaluate(window.quiet, in: context)
            let zone = try evaluate(window.zone, in: context)
            guard let quietText = quiet.stringValue, let zoneText = zone.stringValue,
                  let quietWindow = TimeWindow(parsing: quietText), let rules = ZoneRules(identifier: zoneText)
            else {
                throw FlowError(.expression, message: "\(window.location): window needs HH:MM-HH:MM and an IANA zone")
            }
            let notAfter = try window.notAfter.map { (t) throws(FlowError) in try evaluateInstant(t, in: context) }
            let decision = SendWindow(quiet: quietWindow, zone: rules).schedule(due, notAfter: notAfter)
            wake = decision.wakeAt
            if decision.isDeferred {
                deferredFrom = due
                let sendWindow = SendWindow(quiet: quietWindow, zone: rules)
                emit(deferral(
                    state: stateName, wait, window, sendWindow, due: due, decision: decision, notAfter: notAfter,
                    in: context), in: frameID)
            }
            if wake < now { wake = now }
        }
        let timer = setTimer(at: wake)
        setPhase(frameID, .sleeping(timer: timer, due: due, deferredFrom: deferredFrom))
        emit(.timerSet(state: stateName, at: wake, timer: timer), in: frameID)
    }

    private mutating func awaitEvent(_ frameID: String, _ wait: EventWait) throws(FlowError) {
        let context = evaluationContext(for: frameID)
        let correlation = try wait.correlation.map { (t) throws(FlowError) in try evaluate(t, in: context) }
        let key = correlation.map { $0.stringValue ?? $0.jsonText }
        if let lookbackTemplate = wait.lookback {
            let since = now - (try evaluateDuration(lookbackTemplate, in: context))
            if let index = state.recentEvents.firstIndex(where: {
                $0.name == wait.name.value && (key == nil || $0.key == key) && $0.at >= since
            }) {
                let event = state.recentEvents.remove(at: index)
                emit(.eventMatched(name: event.name), in: frameID)
                saveVar(wait.save, event.payload)
                transfer(frameID, to: nextAfterEvent(frameID))
                return
            }
        }
        guard let timeoutTemplate = wait.timeout else {
            throw FlowError(.expression, message: "\(wait.location): an event wait needs a timeout")
        }
        let timeout = try evaluateDuration(timeoutTemplate, in: context)
        let timer = setTimer(at: now + timeout)
        setPhase(frameID, .awaitingEvent(name: wait.name.value, correlation: key, timer: timer))
        emit(.timerSet(state: state.frames[frameID]?.state ?? "", at: now + timeout, timer: timer,
                       waitingFor: wait.name.value), in: frameID)
    }

    private func nextAfterEvent(_ frameID: String) -> Located<String>? {
        if case .wait(let wait)? = definition(of: frameID)?.kind { return wait.next }
        return nil
    }

    mutating func requestApproval(_ frameID: String, _ approval: ApprovalState) throws(FlowError) {
        let request = try evaluate(approval.request, in: frameID)
        let approvers = try approval.approvers.map { (t) throws(FlowError) in try evaluate(t, in: frameID) } ?? .null
        let expiresAt = try approval.expiresIn.map { (t) throws(FlowError) in now + (try evaluateDuration(t, in: frameID)) }
        let id = state.nextID("a")
        let timer = expiresAt.map { setTimer(at: $0) }
        setPhase(frameID, .awaitingApproval(id: id, timer: timer))
        actions.append(.requestApproval(id: id, request: request, approvers: approvers, expiresAt: expiresAt))
        emit(.approvalRequested(state: state.frames[frameID]?.state ?? "", approval: id, request: request,
                                expiresAt: expiresAt), in: frameID)
        try startNotices(frameID, approval, id: id, request: request, approvers: approvers, expiresAt: expiresAt)
    }

    mutating func approvalDecided(id: String, decision: ApprovalDecision) {
        guard let (frameID, timer) = state.frames.lazy.compactMap({ (key, frame) -> (String, String?)? in
            if case .awaitingApproval(id, let timer) = frame.phase { return (key, timer) }
            return nil
        }).first, case .approval(let approval)? = definition(of: frameID)?.kind else {
            emit(.ignored(reason: "no approval \(id) pending"))
            return
        }
        if let timer { cancelTimer(timer) }
        closeNotices(approval: id)
        var fields: [String: Value] = [
            "decision": .string(decision.outcome.rawValue), "by": decision.by.map(Value.string) ?? .null,
            "at": .instant(now), "notes": decision.notes.map(Value.string) ?? .null, "values": decision.values ?? .null,
        ]
        if let via = decision.via { fields["via"] = .string(via) }
        let record: Value = .object(fields)
        emit(.approvalDecided(approval: id, decision: record), in: frameID)
        saveVar(approval.save, record)
        let target = decision.outcome == .approve ? approval.onApprove : approval.onReject
        guard let target else {
            raise(frameID, FlowError(.rejected, message: "approval \(id) was rejected"))
            return
        }
        transfer(frameID, to: target)
    }

    mutating func timerFired(id: String) {
        if reminderFired(id) { return }
        guard state.timers.removeValue(forKey: id) != nil,
              let (frameID, frame) = state.frames.first(where: { Self.phase($0.value.phase, holds: id) })
        else {
            emit(.ignored(reason: "timer \(id) is not pending"))
            return
        }
        switch frame.phase {
        case .retrying(let attempt, _):
            guard case .step(let step)? = definition(of: frameID)?.kind else { return }
            do throws(FlowError) { try callStep(frameID, step, retryOf: attempt) } catch { raise(frameID, error) }
        case .sleeping(_, let due, let deferredFrom):
            let record: Value = .object([
                "at": .instant(now), "due": .instant(due), "deferred_from": deferredFrom.map(Value.instant) ?? .null,
            ])
            state.bindings["wake"] = record
            guard case .wait(let wait)? = definition(of: frameID)?.kind else { return }
            saveVar(wait.save, record)
            transfer(frameID, to: wait.next)
        case .awaitingEvent(let name, _, _):
            guard case .wait(let wait)? = definition(of: frameID)?.kind, case .event(let eventWait) = wait.condition
            else { return }
            emit(.waitTimedOut(state: frame.state, waitingFor: name), in: frameID)
            guard let target = eventWait.onTimeout else {
                raise(frameID, FlowError(.timeout, message: "no '\(name)' event arrived in time"))
                return
            }
            transfer(frameID, to: target)
        case .awaitingApproval(let approvalID, _):
            guard case .approval(let approval)? = definition(of: frameID)?.kind else { return }
            closeNotices(approval: approvalID)
            let record: Value = .object([
                "decision": "expired", "by": .null, "at": .instant(now), "notes": .null, "values": .null,
            ])
            emit(.approvalDecided(approval: approvalID, decision: record), in: frameID)
            saveVar(approval.save, record)
            guard let target = approval.timeoutTarget else {
                raise(frameID, FlowError(.rejected, code: "expired", message: "approval \(approvalID) expired"))
                return
            }
            transfer(frameID, to: target)
        default:
            break
        }
    }

    static func phase(_ phase: Frame.Phase, holds timer: String) -> Bool {
        switch phase {
        case .retrying(_, let t), .sleeping(let t, _, _), .awaitingEvent(_, _, let t): t == timer
        case .awaitingApproval(_, let t): t == timer
        default: false
        }
    }

    mutating func eventReceived(name: String, key: String?, payload: Value) {
        let waiting = state.frames.filter {
            if case .awaitingEvent(name, let correlation, _) = $0.value.phase { correlation == nil || correlation == key }
            else { false }
        }.keys.sorted()
        emit(.eventReceived(name: name, key: key, payload: payload, deliveredTo: waiting))
        guard !waiting.isEmpty else {
            state.recentEvents.append(ReceivedEvent(name: name, key: key, payload: payload, at: now))
            if state.recentEvents.count > Self.recentEventLimit { state.recentEvents.removeFirst() }
            return
        }
        for frameID in waiting {
            guard case .awaitingEvent(_, _, let timer)? = state.frames[frameID]?.phase,
                  case .wait(let wait)? = definition(of: frameID)?.kind, case .event(let eventWait) = wait.condition
            else { continue }
            cancelTimer(timer)
            saveVar(eventWait.save, payload)
            transfer(frameID, to: wait.next)
        }
    }

    static let recentEventLimit = 32
}
