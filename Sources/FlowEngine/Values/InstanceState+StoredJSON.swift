/// The stored JSON of an instance state, written directly: the same document the synthesized
/// `Codable` conformances give through `JSONEncoder` (members in declaration order, absent
/// optionals left out, enum cases as `{"case":{"_0":…,"label":…}}`, instants as ISO-8601
/// strings), so states written either way read back either way. Dictionary keys are sorted.
/// A test compares this with `JSONEncoder`'s document, so a field added to the state without
/// being added here fails it.
extension InstanceState {
    /// The state as stored JSON text.
    public func storedJSON() throws(StoredJSONError) -> String {
        var writer = StoredJSONWriter(capacity: 2_048)
        try write(into: &writer)
        return writer.text
    }

    public func write(into w: inout StoredJSONWriter) throws(StoredJSONError) {
        w.raw("{")
        w.key("instanceID", first: true)
        w.string(instanceID)
        w.key("status")
        w.string(status.rawValue)
        w.key("bindings")
        try w.object(bindings) { (w, value) throws(StoredJSONError) in try w.write(value) }
        w.key("frames")
        try w.object(frames) { (w, frame) throws(StoredJSONError) in try frame.write(into: &w) }
        w.key("timers")
        w.members(timers) { w, due in w.instant(due) }
        w.key("recentEvents")
        w.raw("[")
        for (index, event) in recentEvents.enumerated() {
            if index > 0 { w.raw(",") }
            try event.write(into: &w)
        }
        w.raw("]")
        w.key("counter")
        w.integer(Int64(counter))
        w.key("transitions")
        w.integer(Int64(transitions))
        if let output {
            w.key("output")
            try w.write(output)
        }
        if let failure {
            w.key("failure")
            failure.write(into: &w)
        }
        if let approvalNotices {
            w.key("approvalNotices")
            try approvalNotices.write(into: &w)
        }
        w.raw("}")
    }
}

extension ApprovalNoticeBook {
    func write(into w: inout StoredJSONWriter) throws(StoredJSONError) {
        w.raw("{")
        w.key("pending", first: true)
        try w.object(pending) { (w, p) throws(StoredJSONError) in
            w.raw("{")
            w.key("frame", first: true)
            w.string(p.frame)
            w.key("request")
            try w.write(p.request)
            w.key("approvers")
            w.raw("[")
            for (index, approver) in p.approvers.enumerated() {
                if index > 0 { w.raw(",") }
                w.string(approver)
            }
            w.raw("]")
            w.key("expiresAt")
            w.instant(p.expiresAt)
            w.raw("}")
        }
        w.key("reminders")
        w.members(reminders) { w, r in
            w.raw("{")
            w.key("approval", first: true)
            w.string(r.approval)
            w.key("purpose")
            w.string(r.purpose)
            w.key("number")
            w.integer(Int64(r.number))
            w.raw("}")
        }
        w.key("calls")
        try w.object(calls) { (w, c) throws(StoredJSONError) in try c.write(into: &w) }
        w.key("retries")
        try w.object(retries) { (w, c) throws(StoredJSONError) in try c.write(into: &w) }
        w.raw("}")
    }
}

extension ApprovalNoticeBook.Call {
    func write(into w: inout StoredJSONWriter) throws(StoredJSONError) {
        w.raw("{")
        w.key("approval", first: true)
        w.string(approval)
        w.key("frame")
        w.string(frame)
        w.key("state")
        w.string(state)
        w.key("arguments")
        try w.write(arguments)
        w.key("idempotencyKey")
        w.string(idempotencyKey)
        w.key("attempt")
        w.integer(Int64(attempt))
        w.raw("}")
    }
}

extension StoredJSONWriter {
    /// `object(_:_:)` for members written without throwing.
    mutating func members<Member>(_ members: [String: Member], _ member: (inout StoredJSONWriter, Member) -> Void) {
        raw("{")
        var first = true
        for key in members.keys.sorted() {
            self.key(key, first: first)
            first = false
            member(&self, members[key]!)
        }
        raw("}")
    }
}

extension FlowError {
    func write(into w: inout StoredJSONWriter) {
        w.raw("{")
        w.key("errorClass", first: true)
        w.string(errorClass.rawValue)
        w.key("code")
        w.string(code)
        w.key("message")
        w.string(message)
        w.raw("}")
    }
}

extension ReceivedEvent {
    func write(into w: inout StoredJSONWriter) throws(StoredJSONError) {
        w.raw("{")
        w.key("name", first: true)
        w.string(name)
        if let key {
            w.key("key")
            w.string(key)
        }
        w.key("payload")
        try w.write(payload)
        w.key("at")
        w.instant(at)
        w.raw("}")
    }
}

extension Frame {
    func write(into w: inout StoredJSONWriter) throws(StoredJSONError) {
        w.raw("{")
        w.key("id", first: true)
        w.string(id)
        if let parent {
            w.key("parent")
            w.string(parent)
        }
        w.key("label")
        w.string(label)
        w.key("graphPath")
        w.raw("[")
        for (index, segment) in graphPath.enumerated() {
            if index > 0 { w.raw(",") }
            w.raw("{")
            w.key("state", first: true)
            w.string(segment.state)
            if let branch = segment.branch {
                w.key("branch")
                w.string(branch)
            }
            w.raw("}")
        }
        w.raw("]")
        w.key("state")
        w.string(state)
        w.key("phase")
        try phase.write(into: &w)
        w.key("scope")
        try w.object(scope) { (w, value) throws(StoredJSONError) in try w.write(value) }
        w.key("lastOutput")
        try w.write(lastOutput)
        w.raw("}")
    }
}

extension Frame.Phase {
    func write(into w: inout StoredJSONWriter) throws(StoredJSONError) {
        w.raw("{")
        switch self {
        case .entering:
            w.key("entering", first: true)
            w.raw("{")
        case .awaitingStep(let attempt):
            w.key("awaitingStep", first: true)
            w.raw("{")
            w.key("_0", first: true)
            try attempt.write(into: &w)
        case .retrying(let attempt, let timer):
            w.key("retrying", first: true)
            w.raw("{")
            w.key("_0", first: true)
            try attempt.write(into: &w)
            w.key("timer")
            w.string(timer)
        case .paused(let attempt, let error, let since):
            w.key("paused", first: true)
            w.raw("{")
            w.key("_0", first: true)
            try attempt.write(into: &w)
            w.key("error")
            error.write(into: &w)
            w.key("since")
            w.instant(since)
        case .sleeping(let timer, let due, let deferredFrom):
            w.key("sleeping", first: true)
            w.raw("{")
            w.key("timer", first: true)
            w.string(timer)
            w.key("due")
            w.instant(due)
            if let deferredFrom {
                w.key("deferredFrom")
                w.instant(deferredFrom)
            }
        case .awaitingEvent(let name, let correlation, let timer):
            w.key("awaitingEvent", first: true)
            w.raw("{")
            w.key("name", first: true)
            w.string(name)
            if let correlation {
                w.key("correlation")
                w.string(correlation)
            }
            w.key("timer")
            w.string(timer)
        case .awaitingApproval(let id, let timer):
            w.key("awaitingApproval", first: true)
            w.raw("{")
            w.key("id", first: true)
            w.string(id)
            if let timer {
                w.key("timer")
                w.string(timer)
            }
        case .joining(let join):
            w.key("joining", first: true)
            w.raw("{")
            w.key("_0", first: true)
            try join.write(into: &w)
        case .finished(let output):
            w.key("finished", first: true)
            w.raw("{")
            w.key("output", first: true)
            try w.write(output)
        case .failed(let error):
            w.key("failed", first: true)
            w.raw("{")
            w.key("_0", first: true)
            error.write(into: &w)
        }
        w.raw("}}")
    }
}

extension Frame.StepAttempt {
    func write(into w: inout StoredJSONWriter) throws(StoredJSONError) {
        w.raw("{")
        w.key("callID", first: true)
        w.string(callID)
        w.key("attempt")
        w.integer(Int64(attempt))
        w.key("firstAttemptAt")
        w.instant(firstAttemptAt)
        if let idempotencyKey {
            w.key("idempotencyKey")
            w.string(idempotencyKey)
        }
        w.key("arguments")
        try w.write(arguments)
        if let resumedAfter {
            w.key("resumedAfter")
            w.integer(Int64(resumedAfter))
        }
        w.raw("}")
    }
}

extension Frame.Join {
    func write(into w: inout StoredJSONWriter) throws(StoredJSONError) {
        w.raw("{")
        w.key("running", first: true)
        w.raw("[")
        for (index, id) in running.enumerated() {
            if index > 0 { w.raw(",") }
            w.string(id)
        }
        w.raw("]")
        w.key("results")
        try w.object(results) { (w, value) throws(StoredJSONError) in try w.write(value) }
        w.key("pendingItems")
        w.raw("[")
        for (index, item) in pendingItems.enumerated() {
            if index > 0 { w.raw(",") }
            w.integer(Int64(item))
        }
        w.raw("]")
        w.key("items")
        try w.write(.array(items))
        w.key("failures")
        w.members(failures) { w, error in error.write(into: &w) }
        w.raw("}")
    }
}
