public import FlowEngine
public import Steps
import Synchronization

/// Answers provider requests from dry-run fixtures at the virtual time, shaped like the real
/// APIs, so the real steps build the requests and parse the answers. Counts calls per provider.
public final class FixtureResponder: Sendable {
    public let fixtures: DryRunFixtures
    public let endpoints: ProviderEndpoints
    private let now: Mutex<Instant>
    private let counts = Mutex(Counts())
    private let openaiCalls = Mutex(0)
    /// Whether call-ordered OpenAI answers start over once used up (the daemon's sandbox, where
    /// run after run asks again); a dry-run answers each call once.
    public let cycles: Bool
    /// What a call no fixture answers is told (an OpenAI `invalid_request_error`: a permanent failure).
    public let missingAnswer: String

    public init(
        fixtures: DryRunFixtures, endpoints: ProviderEndpoints, start: Instant, cycles: Bool = false,
        missingAnswer: String = "dry-run: no openai fixture for this call"
    ) {
        self.fixtures = fixtures
        self.endpoints = endpoints
        self.now = Mutex(start)
        self.cycles = cycles
        self.missingAnswer = missingAnswer
    }

    /// The virtual clock the answers are chosen by.
    public func advance(to instant: Instant) { now.withLock { $0 = instant } }

    /// Calls answered per provider; `http` and `weather` only once such a call was answered.
    public var calls: [String: Int] {
        counts.withLock { counts in
            var calls = ["aeroapi": counts.aeroapi, "twilio": counts.twilio, "openai": counts.openai]
            if counts.http > 0 { calls["http"] = counts.http }
            if counts.weather > 0 { calls["weather"] = counts.weather }
            return calls
        }
    }

    /// Whether the `http` fixtures answer this request now (the daemon's sandbox answers these
    /// `http.request` calls from the fixtures and sends the others to their host).
    public func answersHTTP(_ request: HTTPRequestSpec) -> Bool {
        let at = now.withLock { $0 }
        return fixtures.httpAnswer(method: request.method.rawValue, url: request.url, at: at) != nil
    }

    public var transport: FixtureTransport {
        FixtureTransport { [self] request throws(TransportError) in self.answer(request) }
    }

    func answer(_ request: HTTPRequestSpec) -> HTTPResponseSpec {
        let at = now.withLock { $0 }
        if request.url.hasPrefix(endpoints.aeroapi) {
            counts.withLock { $0.aeroapi += 1 }
            guard let index = DryRunFixtures.answerIndex(in: fixtures.aeroapi, at: at) else {
                return json(200, ["flights": [], "links": nil, "num_pages": 1])
            }
            return HTTPResponseSpec(status: fixtures.aeroapi[index].status, headers: Self.jsonHeaders,
                                    body: fixtures.aeroapi[index].bytes)
        }
        if request.url.hasPrefix(endpoints.twilio) {
            let n = counts.withLock { $0.twilio += 1; return $0.twilio }
            if let answer = DryRunFixtures.answer(in: fixtures.twilio, at: at), answer.status >= 300 {
                return json(answer.status, answer.body)
            }
            let sid = "SM" + String(repeating: "0", count: 32 - String(n).count) + String(n)
            // What `json(201, ["sid": …, "status": "queued"])` writes (keys sorted; the sid needs no escaping).
            return HTTPResponseSpec(status: 201, headers: Self.jsonHeaders,
                                    text: "{\"sid\":\"\(sid)\",\"status\":\"queued\"}")
        }
        if request.url.hasPrefix(endpoints.openai) {
            counts.withLock { $0.openai += 1 }
            let index = openaiCalls.withLock { n in defer { n += 1 }; return n }
            let timed = fixtures.openai.contains { $0.from != nil }
            let count = fixtures.openai.count
            let ordered = cycles && count > 0 ? index % count : index
            let answer = timed ? DryRunFixtures.answer(in: fixtures.openai, at: at)
                : (ordered < count ? fixtures.openai[ordered] : nil)
            guard let answer else {
                return json(400, ["error": ["message": .string(missingAnswer), "type": "invalid_request_error",
                                            "code": "fixture_missing"]])
            }
            if answer.status >= 300 { return json(answer.status, answer.body) }
            let content = answer.body["content"].map { $0.stringValue ?? $0.jsonText } ?? ""
            return json(200, ["id": "chatcmpl-dry", "object": "chat.completion", "created": 0, "model": "dry-run",
                              "choices": [["index": 0, "finish_reason": "stop",
                                           "message": ["role": "assistant", "content": .string(content)]]]])
        }
        if request.url.hasPrefix(endpoints.openmeteo) {
            counts.withLock { $0.weather += 1 }
            guard let answer = DryRunFixtures.answer(in: fixtures.weather, at: at) else {
                return json(400, ["error": true, "reason": "dry-run: no weather fixture answers this call"])
            }
            return HTTPResponseSpec(status: answer.status, headers: Self.jsonHeaders, body: answer.bytes)
        }
        counts.withLock { $0.http += 1 }
        if let answer = fixtures.httpAnswer(method: request.method.rawValue, url: request.url, at: at) {
            return answer.body.isNull ? HTTPResponseSpec(status: answer.status)
                : HTTPResponseSpec(status: answer.status, headers: Self.jsonHeaders, body: answer.bytes)
        }
        let unanswered = "dry-run: no http fixture answers \(request.method.rawValue) \(request.url)"
        return json(404, ["error": .string(unanswered)])
    }

    private func json(_ status: Int, _ body: Value) -> HTTPResponseSpec {
        HTTPResponseSpec(status: status, headers: Self.jsonHeaders, text: body.jsonText)
    }

    private static let jsonHeaders: [(name: String, value: String)] = [("Content-Type", "application/json")]

    /// Calls answered per provider (`calls` reports them by name).
    private struct Counts {
        var aeroapi = 0
        var twilio = 0
        var openai = 0
        var http = 0
        var weather = 0
    }
}
