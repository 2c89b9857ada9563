/// Everything the interpreter knows about one running instance: a plain `Codable` value the
/// runtime persists as is. The interpreter is a function of (definition, this, event, now).
public struct InstanceState: Sendable, Hashable, Codable {
    /// Lifecycle as the interpreter sees it.
    public enum Status: String, Sendable, Hashable, Codable {
        /// A step call is outstanding.
        case running
        /// Only timers, events or approvals can move it.
        case waiting
        case succeeded, failed, cancelled

        public var isFinished: Bool { self == .succeeded || self == .failed || self == .cancelled }
    }

    public var instanceID: String
    public var status: Status
    /// `input`, `settings` (effective), `vars`, `instance` {id, flow, agency, started_at}, `wake`.
    public var bindings: [String: Value]
    /// Live frames by id; the root frame is `root`. Parallel branches and for_each items are children.
    public var frames: [String: Frame]
    /// Pending timers by id, with their due instants (the runtime's wake-up is the earliest).
    public var timers: [String: Instant]
    /// Events that arrived while nothing waited for them, kept for `lookback` (bounded).
    public var recentEvents: [ReceivedEvent]
    /// Source of deterministic ids.
    public var counter: Int
    /// Transitions applied so far (one per event).
    public var transitions: Int
    public var output: Value?
    public var failure: FlowError?
    /// Notices and reminders of pending approvals (`notify`, `remind`); nil when there are none.
    public var approvalNotices: ApprovalNoticeBook?

    public init(instanceID: String, bindings: [String: Value]) {
        self.instanceID = instanceID
        self.status = .running
        self.bindings = bindings
        self.frames = [:]
        self.timers = [:]
        self.recentEvents = []
        self.counter = 0
        self.transitions = 0
    }

    /// When the runtime must wake the instance next, if a timer is pending.
    public var nextWakeUp: Instant? { timers.values.min() }

    /// A fresh deterministic id: `<instance>/<prefix><n>`.
    mutating func nextID(_ prefix: String) -> String {
        counter += 1
        return "\(instanceID)/\(prefix)\(counter)"
    }

    /// The flow's variables.
    var vars: [String: Value] {
        get { bindings["vars"]?.objectValue ?? [:] }
        set { bindings["vars"] = .object(newValue) }
        // In-place changes (`vars[name] = value`) would otherwise copy the whole table on every write:
        // the binding is parked as `.null` (same key, same slot) so the yielded table is uniquely owned.
        // The binding is found once and written back at the same index.
        _modify {
            guard let index = varsIndex else {
                var table: [String: Value] = [:]
                defer { bindings["vars"] = .object(table) }
                yield &table
                return
            }
            var table = bindings.values[index].objectValue ?? [:]
            bindings.values[index] = .null
            defer { bindings.values[index] = .object(table) }
            yield &table
        }
    }

    /// Where `vars` sits in `bindings`: the handful of roots are compared with the name rather than
    /// hashing it (the same slot `bindings.index(forKey: "vars")` finds).
    private var varsIndex: Dictionary<String, Value>.Index? {
        guard bindings.count <= 8 else { return bindings.index(forKey: "vars") }
        var index = bindings.startIndex
        while index != bindings.endIndex {
            if bindings.keys[index] == "vars" { return index }
            bindings.formIndex(after: &index)
        }
        return nil
    }
}

/// An error that ends a frame or the flow, in the language's taxonomy.
public struct FlowError: Error, Sendable, Hashable, Codable, CustomStringConvertible {
    public var errorClass: ErrorClass
    public var code: String
    public var message: String

    public init(_ errorClass: ErrorClass, code: String? = nil, message: String) {
        self.errorClass = errorClass
        self.code = code ?? errorClass.rawValue
        self.message = message
    }

    /// `{class, code, message}`, as `catch … save` stores it.
    public var value: Value {
        .object(["class": .string(errorClass.rawValue), "code": .string(code), "message": .string(message)])
    }

    public var description: String { "\(errorClass.rawValue)[\(code)]: \(message)" }
}

/// An external event kept for a later wait's `lookback`.
public struct ReceivedEvent: Sendable, Hashable, Codable {
    public var name: String
    public var key: String?
    public var payload: Value
    public var at: Instant

    public init(name: String, key: String?, payload: Value, at: Instant) {
        self.name = name
        self.key = key
        self.payload = payload
        self.at = at
    }
}
