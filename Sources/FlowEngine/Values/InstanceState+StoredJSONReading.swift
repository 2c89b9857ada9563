/// Reading an instance state from its stored JSON (`InstanceState.storedJSON()`, or the
/// document `JSONEncoder` wrote through the synthesized `Codable` conformances): the text is read
/// once into values by `StoredJSONReader`, then each member is taken from them. As with
/// `JSONDecoder`, unknown members are ignored, absent or `null` optionals are nil, and a missing
/// required member is an error naming its path.
extension InstanceState {
    public init(storedJSON text: String) throws(StoredJSONError) {
        let document = StoredDocument(try StoredJSONReader.value(text), path: "state")
        try self.init(document)
    }

    init(_ d: StoredDocument) throws(StoredJSONError) {
        self.init(instanceID: try d["instanceID"].string(), bindings: try d["bindings"].members { $0.value })
        guard let status = Status(rawValue: try d["status"].string()) else { throw d["status"].invalid("a status") }
        self.status = status
        frames = try d["frames"].members { (m) throws(StoredJSONError) in try Frame(m) }
        timers = try d["timers"].members { (m) throws(StoredJSONError) in try m.instant() }
        recentEvents = try d["recentEvents"].items { (e) throws(StoredJSONError) in
            ReceivedEvent(name: try e["name"].string(), key: try e["key"].optional { $0.value.stringValue },
                          payload: e["payload"].value, at: try e["at"].instant())
        }
        counter = try d["counter"].int()
        transitions = try d["transitions"].int()
        // Not `cond ? nil : value`: `Value` is nil-literal expressible, so that `nil` would be `.some(.null)`.
        let output = d["output"].value
        self.output = output == .null ? Value?.none : output
        failure = d["failure"].value == .null ? nil : try FlowError(d["failure"])
        approvalNotices = d["approvalNotices"].value == .null ? nil : try ApprovalNoticeBook(d["approvalNotices"])
    }
}

extension ApprovalNoticeBook {
    init(_ d: StoredDocument) throws(StoredJSONError) {
        self.init()
        pending = try d["pending"].members { (p) throws(StoredJSONError) in
            Pending(frame: try p["frame"].string(), request: p["request"].value,
                    approvers: try p["approvers"].items { (a) throws(StoredJSONError) in try a.string() },
                    expiresAt: try p["expiresAt"].instant())
        }
        reminders = try d["reminders"].members { (r) throws(StoredJSONError) in
            Reminder(approval: try r["approval"].string(), purpose: try r["purpose"].string(), number: try r["number"].int())
        }
        calls = try d["calls"].members { (c) throws(StoredJSONError) in try Call(c) }
        retries = d["retries"].value == .null ? [:] : try d["retries"].members { (c) throws(StoredJSONError) in try Call(c) }
    }
}

extension ApprovalNoticeBook.Call {
    init(_ c: StoredDocument) throws(StoredJSONError) {
        self.init(approval: try c["approval"].string(), frame: try c["frame"].string(), state: try c["state"].string(),
                  arguments: c["arguments"].value, idempotencyKey: try c["idempotencyKey"].string(),
                  attempt: try c["attempt"].optional { $0.value.intValue } ?? 1)
    }
}

extension FlowError {
    init(_ d: StoredDocument) throws(StoredJSONError) {
        guard let errorClass = ErrorClass(rawValue: try d["errorClass"].string()) else {
            throw d["errorClass"].invalid("an error class")
        }
        self.init(errorClass, code: try d["code"].string(), message: try d["message"].string())
    }
}

extension Frame {
    init(_ d: StoredDocument) throws(StoredJSONError) {
        self.init(
            id: try d["id"].string(), parent: try d["parent"].optional { $0.value.stringValue }, label: try d["label"].string(),
            graphPath: try d["graphPath"].items { (s) throws(StoredJSONError) in
                GraphSegment(state: try s["state"].string(), branch: try s["branch"].optional { $0.value.stringValue })
            },
            state: try d["state"].string(), phase: try Phase(d["phase"]),
            scope: try d["scope"].members { $0.value }, lastOutput: d["lastOutput"].value)
    }
}

extension Frame.Phase {
    init(_ d: StoredDocument) throws(StoredJSONError) {
        guard case .object(let cases) = d.value, cases.count == 1, let (name, _) = cases.first else {
            throw d.invalid("an object with one case")
        }
        let c = d[name]
        switch name {
        case "entering": self = .entering
        case "awaitingStep": self = .awaitingStep(try Frame.StepAttempt(c["_0"]))
        case "retrying": self = .retrying(try Frame.StepAttempt(c["_0"]), timer: try c["timer"].string())
        case "paused":
            self = .paused(try Frame.StepAttempt(c["_0"]), error: try FlowError(c["error"]), since: try c["since"].instant())
        case "sleeping":
            self = .sleeping(timer: try c["timer"].string(), due: try c["due"].instant(),
                             deferredFrom: try c["deferredFrom"].optional { (m) throws(StoredJSONError) in try m.instant() })
        case "awaitingEvent":
            self = .awaitingEvent(name: try c["name"].string(), correlation: try c["correlation"].optional { $0.value.stringValue },
                                  timer: try c["timer"].string())
        case "awaitingApproval":
            self = .awaitingApproval(id: try c["id"].string(), timer: try c["timer"].optional { $0.value.stringValue })
        case "joining": self = .joining(try Frame.Join(c["_0"]))
        case "finished": self = .finished(output: c["output"].value)
        case "failed": self = .failed(try FlowError(c["_0"]))
        default: throw d.invalid("a known phase (not '\(name)')")
        }
    }
}

extension Frame.StepAttempt {
    init(_ d: StoredDocument) throws(StoredJSONError) {
        self.init(callID: try d["callID"].string(), attempt: try d["attempt"].int(),
                  firstAttemptAt: try d["firstAttemptAt"].instant(),
                  idempotencyKey: try d["idempotencyKey"].optional { $0.value.stringValue }, arguments: d["arguments"].value,
                  resumedAfter: try d["resumedAfter"].optional { (m) throws(StoredJSONError) in try m.int() })
    }
}

extension Frame.Join {
    init(_ d: StoredDocument) throws(StoredJSONError) {
        self.init(
            running: try d["running"].items { (m) throws(StoredJSONError) in try m.string() },
            results: try d["results"].members { $0.value },
            pendingItems: try d["pendingItems"].items { (m) throws(StoredJSONError) in try m.int() },
            items: try d["items"].items { $0.value },
            failures: try d["failures"].members { (m) throws(StoredJSONError) in try FlowError(m) })
    }
}

/// A member of a stored document being read, with its path for error messages. A missing member
/// reads as `null`, so optionals need no separate lookup.
struct StoredDocument {
    var value: Value
    var path: String

    init(_ value: Value, path: String) {
        self.value = value
        self.path = path
    }

    subscript(name: String) -> StoredDocument {
        StoredDocument(value[name] ?? .null, path: path + "." + name)
    }

    func invalid(_ expected: String) -> StoredJSONError {
        StoredJSONError("\(path) is not \(expected)", offset: 0)
    }

    func string() throws(StoredJSONError) -> String {
        guard case .string(let text) = value else { throw invalid("a string") }
        return text
    }

    func int() throws(StoredJSONError) -> Int {
        guard let n = value.intValue else { throw invalid("an integer") }
        return n
    }

    /// A plain ISO-8601 string (instants outside `Value` positions), or a tagged instant.
    func instant() throws(StoredJSONError) -> Instant {
        switch value {
        case .instant(let instant): return instant
        case .string(let text):
            guard let instant = Instant(iso8601: text) else { throw invalid("an ISO-8601 instant with a zone") }
            return instant
        default: throw invalid("an instant")
        }
    }

    /// Nil when absent or `null`; otherwise `read` must succeed.
    func optional<T>(_ read: (StoredDocument) throws(StoredJSONError) -> T?) throws(StoredJSONError) -> T? {
        if value == .null { return nil }
        guard let result = try read(self) else { throw invalid("of the expected type") }
        return result
    }

    func members<T>(_ read: (StoredDocument) throws(StoredJSONError) -> T) throws(StoredJSONError) -> [String: T] {
        guard case .object(let members) = value else { throw invalid("an object") }
        var out: [String: T] = [:]
        out.reserveCapacity(members.count)
        for (key, member) in members { out[key] = try read(StoredDocument(member, path: path + "." + key)) }
        return out
    }

    func items<T>(_ read: (StoredDocument) throws(StoredJSONError) -> T) throws(StoredJSONError) -> [T] {
        guard case .array(let items) = value else { throw invalid("an array") }
        var out: [T] = []
        out.reserveCapacity(items.count)
        for (index, item) in items.enumerated() { out.append(try read(StoredDocument(item, path: "\(path)[\(index)]"))) }
        return out
    }
}
