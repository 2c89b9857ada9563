public import FlowEngine

/// Provider answers and human/external events for a dry-run (`domain/dry-run.md`).
public struct DryRunFixtures: Sendable {
    /// One provider answer in force from `from` until the next entry's `from`.
    public struct Answer: Sendable {
        public var from: Instant?
        /// HTTP status; 200 (201 for Twilio) when the entry gives `flights`/`content`.
        public var status: Int
        public var body: Value

        public init(from: Instant?, status: Int, body: Value) {
            self.from = from
            self.status = status
            self.body = body
        }
    }

    public struct Approval: Sendable {
        public var at: Instant
        public var decision: ApprovalDecision
        public init(at: Instant, decision: ApprovalDecision) {
            self.at = at
            self.decision = decision
        }
    }

    public struct Event: Sendable {
        public var at: Instant
        public var name: String
        public var key: String?
        public var payload: Value
        public init(at: Instant, name: String, key: String?, payload: Value) {
            self.at = at
            self.name = name
            self.key = key
            self.payload = payload
        }
    }

    public var aeroapi: [Answer]
    public var twilio: [Answer]
    public var openai: [Answer]
    public var approvals: [Approval]
    public var events: [Event]

    public init(aeroapi: [Answer] = [], twilio: [Answer] = [], openai: [Answer] = [], approvals: [Approval] = [],
                events: [Event] = []) {
        self.aeroapi = aeroapi
        self.twilio = twilio
        self.openai = openai
        self.approvals = approvals
        self.events = events
    }

    /// Reads the fixtures document (already parsed to a value); errors name the entry.
    public init(_ document: Value) throws(DryRunError) {
        func answers(_ key: String, okStatus: Int, bodyKeys: [String]) throws(DryRunError) -> [Answer] {
            guard let list = document[key] else { return [] }
            guard let items = list.arrayValue else { throw DryRunError("fixtures.\(key) must be a list") }
            var out: [Answer] = []
            for (index, item) in items.enumerated() {
                guard let entry = item.objectValue else { throw DryRunError("fixtures.\(key)[\(index)] must be an object") }
                var from: Instant? = nil
                if let text = entry["from"] {
                    guard let instant = text.instantValue ?? text.stringValue.flatMap(Instant.init(iso8601:)) else {
                        throw DryRunError("fixtures.\(key)[\(index)].from is not an ISO-8601 instant")
                    }
                    from = instant
                }
                let status = entry["status"]?.intValue ?? okStatus
                var body = entry["body"] ?? .null
                if body.isNull {
                    var members: [String: Value] = [:]
                    for bodyKey in bodyKeys { if let v = entry[bodyKey] { members[bodyKey] = v } }
                    if key == "aeroapi" { members["links"] = .null; members["num_pages"] = 1 }
                    body = members.isEmpty ? .null : .object(members)
                }
                out.append(Answer(from: from, status: status, body: body))
            }
            return out
        }
        aeroapi = try answers("aeroapi", okStatus: 200, bodyKeys: ["flights"])
        twilio = try answers("twilio", okStatus: 201, bodyKeys: [])
        openai = try answers("openai", okStatus: 200, bodyKeys: ["content"])
        approvals = []
        for (index, item) in (document["approvals"]?.arrayValue ?? []).enumerated() {
            guard let at = item["at"].flatMap({ $0.instantValue ?? $0.stringValue.flatMap(Instant.init(iso8601:)) }),
                  let outcome = item["decision"]?.stringValue.flatMap(ApprovalDecision.Outcome.init(rawValue:))
            else { throw DryRunError("fixtures.approvals[\(index)] needs `at` and `decision: approve|reject`") }
            approvals.append(Approval(at: at, decision: ApprovalDecision(
                outcome, by: item["by"]?.stringValue, notes: item["notes"]?.stringValue, values: item["values"])))
        }
        events = []
        for (index, item) in (document["events"]?.arrayValue ?? []).enumerated() {
            guard let at = item["at"].flatMap({ $0.instantValue ?? $0.stringValue.flatMap(Instant.init(iso8601:)) }),
                  let name = item["name"]?.stringValue
            else { throw DryRunError("fixtures.events[\(index)] needs `at` and `name`") }
            events.append(Event(at: at, name: name, key: item["key"]?.stringValue, payload: item["payload"] ?? .null))
        }
    }

    /// The entry in force at `now`, if any.
    static func answer(in timeline: [Answer], at now: Instant) -> Answer? {
        timeline.last { ($0.from ?? Instant(epochMilliseconds: .min)) <= now }
    }
}

/// A bad fixtures or input file (exit 64).
public struct DryRunError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
