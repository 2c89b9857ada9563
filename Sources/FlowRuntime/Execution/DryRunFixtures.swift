public import FlowEngine

/// Provider answers and human/external events for a dry-run (`domain/dry-run.md`).
public struct DryRunFixtures: Sendable {
    /// One provider answer in force from `from` until the next entry's `from`.
    public struct Answer: Sendable {
        public var from: Instant?
        /// HTTP status; 200 (201 for Twilio) when the entry gives `flights`/`content`.
        public var status: Int
        public var body: Value {
            didSet {
                text = body.jsonText
                bytes = Array(text.utf8)
            }
        }
        /// `body` as JSON text, encoded when the fixture is built or changed rather than on every
        /// answer: the same pages answer many polls and many dry-runs of one fixtures file.
        public private(set) var text: String
        /// `text` as UTF-8, the response body served.
        public private(set) var bytes: [UInt8]

        public init(from: Instant?, status: Int, body: Value) {
            self.from = from
            self.status = status
            self.body = body
            self.text = body.jsonText
            self.bytes = Array(text.utf8)
        }
    }

    /// A human decision arriving at a virtual instant.
    public struct Approval: Sendable {
        public var at: Instant
        public var decision: ApprovalDecision
        public init(at: Instant, decision: ApprovalDecision) {
            self.at = at
            self.decision = decision
        }
    }

    /// An external event arriving at a virtual instant.
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

    /// A person's resume of the paused steps (`on_exhausted: pause`) at a virtual instant.
    public struct Resume: Sendable {
        public var at: Instant
        public var request: ResumeRequest
        public init(at: Instant, request: ResumeRequest) {
            self.at = at
            self.request = request
        }
    }

    /// An `http.request` answer: for calls whose URL (query left out) starts with `url` and whose
    /// method is `method` (any when nil); `answer.body` is the response body (JSON).
    public struct HTTPAnswer: Sendable {
        public var method: String?
        public var url: String
        public var answer: Answer

        public init(method: String?, url: String, answer: Answer) {
            self.method = method
            self.url = url
            self.answer = answer
        }
    }

    public var aeroapi: [Answer]
    public var twilio: [Answer]
    public var openai: [Answer]
    /// Open-Meteo answers (`weather.forecast`), a timeline like `aeroapi`: `{from?, status?, daily?,
    /// reason?}`; a call none answers gets Open-Meteo's 400 (no forecast).
    public var weather: [Answer]
    /// `http.request` answers (the `http` section); a call none answers gets a 404.
    public var http: [HTTPAnswer]
    public var approvals: [Approval]
    public var events: [Event]
    public var resumes: [Resume]
    /// What a product read from its own sections (the rows the travel product's store starts with,
    /// itineraries that its dry-run store starts with); nil when there were none.
    public var product: (any ProductFixtures)?

    public init(aeroapi: [Answer] = [], twilio: [Answer] = [], openai: [Answer] = [], weather: [Answer] = [],
                http: [HTTPAnswer] = [], approvals: [Approval] = [], events: [Event] = [], resumes: [Resume] = [],
                product: (any ProductFixtures)? = nil) {
        self.aeroapi = aeroapi
        self.twilio = twilio
        self.openai = openai
        self.weather = weather
        self.http = http
        self.approvals = approvals
        self.events = events
        self.resumes = resumes
        self.product = product
    }

    /// Reads a fixtures file (YAML or JSON); `product` reads its own sections.
    /// - Throws: `LocatedError` naming the file, line and column of the first problem.
    public init(parsing file: SourceFile, product: any FlowProduct = NoProduct()) throws(LocatedError) {
        try self.init(LocatedDocument(parsing: file), product: product)
    }

    /// Reads a fixtures document already parsed to a value (errors then carry no line).
    public init(_ document: Value, product: any FlowProduct = NoProduct()) throws(LocatedError) {
        try self.init(LocatedDocument(document), product: product)
    }

    /// Reads a located fixtures document; every key is optional, unknown keys are errors.
    public init(_ document: LocatedDocument, product: any FlowProduct = NoProduct()) throws(LocatedError) {
        let reader = DryRunFixturesReader()
        let own = ["aeroapi", "twilio", "openai", "weather", "http", "approvals", "events", "resumes"]
        let root = try reader.map(document, "the fixtures document", allowed: own + product.fixtureSections)
        aeroapi = try reader.answers(root["aeroapi"], "aeroapi", okStatus: 200, bodyKeys: ["flights", "links", "num_pages"])
        twilio = try reader.answers(root["twilio"], "twilio", okStatus: 201, bodyKeys: [])
        openai = try reader.answers(root["openai"], "openai", okStatus: 200, bodyKeys: ["content"])
        weather = try reader.answers(root["weather"], "weather", okStatus: 200, bodyKeys: ["daily", "error", "reason"])
        http = try reader.httpAnswers(root["http"])
        approvals = try reader.approvals(root["approvals"])
        events = try reader.events(root["events"])
        resumes = try reader.resumes(root["resumes"])
        var sections: [String: LocatedDocument] = [:]
        for name in product.fixtureSections { sections[name] = root[name] }
        self.product = sections.isEmpty ? nil : try product.readFixtures(sections)
    }

    /// The `http` answer for a request at `now`: among the entries for its method whose `url`
    /// starts the request's URL, the longest `url`, and of those the last in force at `now`.
    func httpAnswer(method: String, url: String, at now: Instant) -> Answer? {
        let path = url.prefix { $0 != "?" && $0 != "#" }
        let matching = http.filter { entry in
            (entry.method == nil || entry.method == method) && path.hasPrefix(entry.url)
                && (entry.answer.from ?? Instant(epochMilliseconds: .min)) <= now
        }
        guard let longest = matching.map(\.url.count).max() else { return nil }
        return matching.last { $0.url.count == longest }?.answer
    }

    /// The entry in force at `now`, if any.
    static func answer(in timeline: [Answer], at now: Instant) -> Answer? {
        answerIndex(in: timeline, at: now).map { timeline[$0] }
    }

    /// The index of the entry in force at `now`, if any.
    static func answerIndex(in timeline: [Answer], at now: Instant) -> Int? {
        timeline.lastIndex { ($0.from ?? Instant(epochMilliseconds: .min)) <= now }
    }
}
