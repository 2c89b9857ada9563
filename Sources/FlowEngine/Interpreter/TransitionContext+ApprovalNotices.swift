/// An approval's `notify` and `remind`: notice calls when it is requested, timers for each reminder
/// and the escalation, cleared when it is decided or expires. A notice is a call of the runtime's
/// `approval.notify` step (one per approver and channel, under its own idempotency key), performed
/// like a step state's call; its answer only adds to the timeline.
extension TransitionContext {
    /// After `requestApproval`: the first notices, and the reminder and escalation timers.
    mutating func startNotices(
        _ frameID: String, _ approval: ApprovalState, id: String, request: Value, approvers: Value, expiresAt: Instant?
    ) throws(FlowError) {
        guard !approval.notify.isEmpty || approval.remind != nil else { return }
        let stateName = state.frames[frameID]?.state ?? ""
        let names = Self.approverNames(approvers)
        if let expiresAt, let remind = approval.remind {
            var book = state.approvalNotices ?? ApprovalNoticeBook()
            book.pending[id] = .init(frame: frameID, request: request, approvers: names, expiresAt: expiresAt)
            state.approvalNotices = book
            var points = remind.at.enumerated().map { ($0.element.value, "reminder", $0.offset + 1) }
            if let escalate = remind.escalate { points.append((escalate.at.value, "escalation", 0)) }
            for (point, purpose, number) in points {
                guard let at = point.instant(requested: now, expires: expiresAt) else { continue }
                let timer = setTimer(at: at)
                state.approvalNotices?.reminders[timer] = .init(approval: id, purpose: purpose, number: number)
                emit(.timerSet(state: stateName, at: at, timer: timer, waitingFor: "\(purpose) of \(id)"), in: frameID)
            }
        }
        guard !approval.notify.isEmpty else { return }
        let calls = try sendNotices(
            frameID, stateName, approval.notify, approval: id, to: names, purpose: "request", number: 0,
            request: request, expiresAt: expiresAt)
        emit(.approvalNotice(.approvalNotified, state: stateName, approval: id, approvers: names,
                             channels: approval.notify.map(\.channel.name), calls: calls), in: frameID)
    }

    /// A reminder, escalation or notice-retry timer fired; false when `timerID` is not one.
    mutating func reminderFired(_ timerID: String) -> Bool {
        if let retry = state.approvalNotices?.retries.removeValue(forKey: timerID) {
            state.timers.removeValue(forKey: timerID)
            guard case .awaitingApproval(retry.approval, _)? = state.frames[retry.frame]?.phase else {
                emit(.ignored(reason: "approval \(retry.approval) is no longer pending"))
                return true
            }
            issue(retry)
            return true
        }
        guard let reminder = state.approvalNotices?.reminders.removeValue(forKey: timerID) else { return false }
        state.timers.removeValue(forKey: timerID)
        guard let pending = state.approvalNotices?.pending[reminder.approval],
              case .awaitingApproval(reminder.approval, _)? = state.frames[pending.frame]?.phase,
              case .approval(let approval)? = definition(of: pending.frame)?.kind
        else {
            emit(.ignored(reason: "approval \(reminder.approval) is no longer pending"))
            return true
        }
        let frameID = pending.frame
        let stateName = state.frames[frameID]?.state ?? ""
        do throws(FlowError) {
            if reminder.purpose == "escalation", let escalate = approval.remind?.escalate {
                let named = Self.approverNames(try evaluate(escalate.approvers, in: frameID))
                let added = named.filter { !pending.approvers.contains($0) }
                let all = pending.approvers + added
                state.approvalNotices?.pending[reminder.approval]?.approvers = all
                actions.append(.escalateApproval(id: reminder.approval, approvers: .array(all.map(Value.string))))
                let notices = escalate.notify ?? approval.notify
                let calls = try sendNotices(
                    frameID, stateName, notices, approval: reminder.approval, to: added, purpose: "escalation",
                    number: 0, request: pending.request, expiresAt: pending.expiresAt)
                emit(.approvalNotice(.approvalEscalated, state: stateName, approval: reminder.approval, approvers: all,
                                     channels: notices.map(\.channel.name), calls: calls, added: added), in: frameID)
            } else {
                let calls = try sendNotices(
                    frameID, stateName, approval.notify, approval: reminder.approval, to: pending.approvers,
                    purpose: "reminder", number: reminder.number, request: pending.request, expiresAt: pending.expiresAt)
                emit(.approvalNotice(.approvalReminded, state: stateName, approval: reminder.approval,
                                     approvers: pending.approvers, channels: approval.notify.map(\.channel.name),
                                     calls: calls, number: reminder.number), in: frameID)
            }
        } catch {
            raise(frameID, error)
        }
        return true
    }

    /// The approval left `pending` (decided or expired): its reminders will not fire.
    mutating func closeNotices(approval id: String) {
        guard var book = state.approvalNotices else { return }
        book.pending[id] = nil
        for (timer, reminder) in book.reminders where reminder.approval == id {
            book.reminders[timer] = nil
            cancelTimer(timer)
        }
        for (timer, retry) in book.retries where retry.approval == id {
            book.retries[timer] = nil
            cancelTimer(timer)
        }
        state.approvalNotices = book.isEmpty ? nil : book
    }

    /// A notice call answered; false when `callID` is not one. A `transient` or `timeout` failure is
    /// tried again after a back-off (`ApprovalNoticeBook.maxAttempts`, same idempotency key) while the
    /// approval is pending; any other failure does not change the approval (the approvers can still
    /// decide through the API or an earlier link).
    mutating func noticeAnswered(_ callID: String, output: Value?, error: StepError?) -> Bool {
        guard let call = state.approvalNotices?.calls.removeValue(forKey: callID) else { return false }
        defer { if state.approvalNotices?.isEmpty == true { state.approvalNotices = nil } }
        guard let error else {
            emit(.stepSucceeded(state: call.state, step: ApprovalNoticeBook.step, attempt: call.attempt,
                                output: output ?? .null), in: call.frame)
            return true
        }
        emit(.stepFailed(state: call.state, step: ApprovalNoticeBook.step, attempt: call.attempt, error: error.flowError),
             in: call.frame)
        guard error.isRetryable, call.attempt < ApprovalNoticeBook.maxAttempts,
              case .awaitingApproval(call.approval, _)? = state.frames[call.frame]?.phase
        else { return true }
        var delay = ApprovalNoticeBook.backoff.delay(afterAttempt: call.attempt, instanceID: state.instanceID)
        if let after = error.retryAfter, after > delay { delay = after }
        let timer = setTimer(at: now + delay)
        var next = call
        next.attempt += 1
        state.approvalNotices?.retries[timer] = next
        emit(.retryScheduled(state: call.state, step: ApprovalNoticeBook.step, attempt: next.attempt, at: now + delay,
                             timer: timer), in: call.frame)
        return true
    }

    /// Asks for `call` (a first attempt or a retry) and keeps it until it is answered.
    private mutating func issue(_ call: ApprovalNoticeBook.Call) {
        let callID = state.nextID("c")
        var book = state.approvalNotices ?? ApprovalNoticeBook()
        book.calls[callID] = call
        state.approvalNotices = book
        actions.append(.callStep(StepInvocation(
            callID: callID, step: ApprovalNoticeBook.step, arguments: call.arguments, idempotencyKey: call.idempotencyKey,
            attempt: call.attempt, deadline: nil, state: call.state, frameID: call.frame)))
        emit(.stepCalled(state: call.state, step: ApprovalNoticeBook.step, attempt: call.attempt, callID: callID,
                         input: call.arguments), in: call.frame)
    }

    /// One `approval.notify` call per approver and channel; returns how many.
    private mutating func sendNotices(
        _ frameID: String, _ stateName: String, _ notices: [ApprovalNotice], approval id: String, to approvers: [String],
        purpose: String, number: Int, request: Value, expiresAt: Instant?
    ) throws(FlowError) -> Int {
        var count = 0
        let context = evaluationContext(for: frameID)
        for (index, notice) in notices.enumerated() {
            var base: [String: Value] = [
                "approval": .string(id), "purpose": .string(purpose), "channel": .string(notice.channel.name),
                "request": request, "expires_at": expiresAt.map(Value.instant) ?? .null,
            ]
            var addresses: [String: Value] = [:]
            switch notice.channel {
            case .whatsapp(let to, let contentSid, let variables):
                let numbers = try evaluate(to, in: context)
                base["content_sid"] = try evaluate(contentSid, in: context)
                if let variables { base["variables"] = try evaluate(variables, in: context) }
                if let table = numbers.objectValue {
                    addresses = table
                } else if numbers == .null {
                    // No numbers configured (an unset setting or input): nobody gets a WhatsApp notice.
                    addresses = [:]
                } else if numbers.stringValue != nil, approvers.count == 1 {
                    addresses = [approvers[0]: numbers]
                } else {
                    throw FlowError(.expression, message: "\(to.location): whatsapp 'to' must map each approver to a number")
                }
            case .webhook(let url, let credential):
                base["url"] = try evaluate(url, in: context)
                if let credential { base["credential"] = .string(credential.value) }
                addresses = Dictionary(approvers.map { ($0, Value.null) }, uniquingKeysWith: { first, _ in first })
            }
            for approver in approvers {
                guard let address = addresses[approver] else { continue }
                var arguments = base
                arguments["approver"] = .string(approver)
                if address != .null { arguments["to"] = address }
                issue(.init(approval: id, frame: frameID, state: stateName, arguments: .object(arguments),
                            idempotencyKey: "\(id)/\(purpose)\(number)/\(index)/\(approver)", attempt: 1))
                count += 1
            }
        }
        return count
    }

    /// `approvers` as names: a list of texts (each once, in order), or one text.
    static func approverNames(_ approvers: Value) -> [String] {
        if let one = approvers.stringValue { return [one] }
        var names: [String] = []
        for name in approvers.arrayValue?.compactMap(\.stringValue) ?? [] where !names.contains(name) { names.append(name) }
        return names
    }
}
