/// Typed reads of the fields several kinds share (nil when the entry has no such field).
extension TimelineEntry {
    /// `state`: the state the entry is about.
    public var state: String? { details["state"]?.stringValue }
    /// `frame`: the parallel branch or for_each item the entry is about (absent for the root frame).
    public var frame: String? { details["frame"]?.stringValue }
    /// `step`: the step's name (`twilio.send_template`, `notify.send`, …).
    public var step: String? { details["step"]?.stringValue }
    /// `attempt`: the 1-based attempt of a step call.
    public var attempt: Int? { details["attempt"]?.intValue }
    /// `call_id`: the interpreter's id of a step call (`step_called`).
    public var callID: String? { details["call_id"]?.stringValue }
    /// `error`: `{class, code, message}` of `step_failed`, `caught` and a failed `completed`.
    public var error: Value? { details["error"] }
    /// `reason`: why (`deferred`, `suppressed`, `ignored`, a cancelled `completed`).
    public var reason: String? { details["reason"]?.stringValue }
    /// `code`: an alert's code.
    public var code: String? { details["code"]?.stringValue }
    /// `message`: an alert's message.
    public var message: String? { details["message"]?.stringValue }
}
