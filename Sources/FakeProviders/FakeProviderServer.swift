public import FlowEngine
public import Steps
import Foundation
import Hummingbird
import HTTPTypes
import NIOCore
import Logging
import Synchronization

/// Local fakes of Twilio Messages, AeroAPI `/flights/{ident}` and OpenAI chat completions that
/// speak the real contracts (contracts README), and a small product backend under `/backend/`
/// (`http.request`), for tests, crash tests and dry-runs.
///
/// Use it in-process as an `HTTPTransport`, or `start()` it on 127.0.0.1 (port 0) and point
/// `ProviderEndpoints.local(baseURL)` at it. Requests are checked strictly (auth, form encoding,
/// required fields, `ContentVariables` rules, JSON bodies) and answered with the provider's
/// error bodies when wrong. Scripts (`script(_:_:)`) inject errors, delays and sequences;
/// accepted Twilio creates are counted and kept (`acceptedMessages`).
public final class FakeProviderServer: HTTPTransport, Sendable {
    /// The credentials the fakes accept.
    public struct Configuration: Sendable {
        public var twilioAccountSid = "AC" + String(repeating: "a", count: 32)
        public var twilioAuthToken = "fake-twilio-token"
        public var twilioAPIKeySid = "SK" + String(repeating: "b", count: 32)
        public var twilioAPIKeySecret = "fake-twilio-key-secret"
        /// More Twilio accounts (agencies' own), each authenticated with its SID and auth token;
        /// each sees only its own messages, and its status callbacks are signed with its token.
        public var twilioOtherAccounts: [FakeTwilioAccount] = []
        public var aeroapiKey = "fake-aeroapi-key"
        public var openaiKey = "sk-fake-openai-key"
        /// Flights per AeroAPI page.
        public var aeroapiPageSize = 15
        /// Status for an ident with no flights at all (`200` with `flights: []`, or `404`).
        public var aeroapiUnknownIdentStatus = 200
        /// Numbers (E.164) that replied STOP: creates to them fail with 21610.
        public var optedOut: Set<String> = []
        /// Post signed status callbacks to each message's `StatusCallback` (off by default:
        /// in-process tests use URLs that do not exist).
        public var sendsStatusCallbacks = false
        /// The pause before each status callback.
        public var statusCallbackDelay = TimeSpan(milliseconds: 100)
        /// How long Twilio takes to answer each accepted create (a provider's own latency; none by default).
        public var twilioLatency: TimeSpan?
        /// The header every `/backend/` request must carry (name, value); nil: none required.
        public var backendCredential: (String, String)?

        public init() {}
    }

    public let configuration: Configuration
    /// The faults requests draw (none unless a plan is given) and what was injected.
    public let faults: FaultInjector
    let state: Mutex<FakeState>
    /// The fake's clock for `date_created` (wall clock unless a test sets another).
    let clock: @Sendable () -> Instant
    private let server = Mutex<Task<Void, any Error>?>(nil)

    public init(
        configuration: Configuration = Configuration(), faults: FaultPlan = .none,
        clock: @escaping @Sendable () -> Instant = FakeProviderServer.wallClock
    ) {
        self.configuration = configuration
        self.faults = FaultInjector(plan: faults)
        self.clock = clock
        self.state = Mutex(FakeState())
    }

    @Sendable public static func wallClock() -> Instant {
        Instant(epochMilliseconds: Int64((Date().timeIntervalSince1970 * 1000).rounded()))
    }

    /// Credentials matching the fakes (auth-token flavour for Twilio).
    public var credentials: ProviderCredentials {
        ProviderCredentials(
            twilio: .authToken(
                accountSid: configuration.twilioAccountSid, token: configuration.twilioAuthToken,
                messagingServiceSid: "MG" + String(repeating: "c", count: 32)),
            aeroapiKey: Secret(configuration.aeroapiKey), openaiKey: Secret(configuration.openaiKey))
    }

    // MARK: Scripting and inspection

    /// Queues answers for the next valid requests to `provider`.
    public func script(_ provider: FakeProvider, _ replies: [FakeReply]) {
        state.withLock { $0.scripts[provider, default: []] += replies }
    }

    /// Sets the flights AeroAPI knows for an ident (full Flight objects, see `FakeFlight`).
    public func setFlights(_ flights: [Value], for ident: String) {
        state.withLock { $0.flights[ident] = flights }
    }

    /// Messages Twilio accepted (201), in order.
    public var acceptedMessages: [FakeMessage] { state.withLock { $0.messages } }
    /// How many creates Twilio accepted: the count crash tests check for exactly-once effects.
    public var acceptedCount: Int { state.withLock { $0.messages.count } }
    /// Accepted messages counted per key (`key` names a message's effect, e.g. from its body):
    /// a count above 1 is a duplicate send.
    public func acceptedCounts(by key: (FakeMessage) -> String) -> [String: Int] {
        var counts: [String: Int] = [:]
        for message in acceptedMessages { counts[key(message), default: 0] += 1 }
        return counts
    }
    /// Every request that reached a fake, valid or not, per provider.
    public func requestCount(_ provider: FakeProvider) -> Int { state.withLock { $0.requestCounts[provider] ?? 0 } }
    /// Bodies of the chat requests OpenAI received, decoded.
    public var chatRequests: [Value] { state.withLock { $0.chatRequests } }

    // MARK: Dispatch

    /// Answers one request, as the HTTP server does.
    public func handle(_ request: FakeRequest) async -> HTTPResponseSpec {
        switch Self.provider(of: request.path) {
        case .twilio: return await handleTwilio(request)
        case .aeroapi: return await handleAeroAPI(request)
        case .openai: return await handleOpenAI(request)
        case .backend: return await handleBackend(request)
        case .openmeteo: return await handleOpenMeteo(request)
        case nil:
            return HTTPResponseSpec(status: 404, headers: [("Content-Type", "text/plain")], text: "no fake at \(request.path)")
        }
    }

    /// The next script entry for a valid request to `provider` (`.normal` when none is queued).
    func nextReply(_ provider: FakeProvider) -> FakeReply {
        state.withLock { state in
            guard var queue = state.scripts[provider], !queue.isEmpty else { return .normal }
            let next = queue.removeFirst()
            state.scripts[provider] = queue
            return next
        }
    }

    func countRequest(_ provider: FakeProvider) {
        state.withLock { $0.requestCounts[provider, default: 0] += 1 }
    }

    /// In-process transport: the same answers as over HTTP, without sockets. Delays longer than
    /// the timeout end in `TransportError.timeout`, as a real client's deadline would; a reset
    /// connection (a fault) ends in `TransportError.connection`.
    public func send(_ request: HTTPRequestSpec, timeout: TimeSpan?) async throws(TransportError) -> HTTPResponseSpec {
        guard let fake = FakeRequest(method: request.method.rawValue, url: request.url, headers: request.headers, body: request.body)
        else { throw TransportError(.invalidRequest, "unparseable URL") }
        let limit = timeout ?? .seconds(30)
        let answer = await withTaskGroup(of: FakeAnswer?.self) { group in
            group.addTask { await self.answer(fake) }
            group.addTask {
                try? await Task.sleep(for: .milliseconds(limit.milliseconds))
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
        switch answer {
        case .response(let response): return response
        case .reset: throw TransportError(.connection, "connection reset by peer")
        // A stall is longer than any client's timeout: the deadline ends it first.
        case .stallThenReset, nil: throw TransportError(.timeout, "no response before the deadline")
        }
    }

    // MARK: HTTP hosting

    /// Starts listening on 127.0.0.1 on a free port; returns the base URL (`http://127.0.0.1:PORT`).
    public func start() async throws -> String {
        let (portStream, portContinuation) = AsyncStream.makeStream(of: Int.self)
        var logger = Logger(label: "flow.fake-providers")
        logger.logLevel = .warning
        let app = Application(
            responder: FakeResponder(fake: self),
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                portContinuation.yield(channel.localAddress?.port ?? 0)
                portContinuation.finish()
            },
            logger: logger)
        let task = Task { try await app.run() }
        server.withLock { $0 = task }
        var port = 0
        for await p in portStream { port = p }
        guard port > 0 else { throw FakeServerError(message: "the fake server did not start") }
        return "http://127.0.0.1:\(port)"
    }

    /// Stops the HTTP server, if started.
    public func stop() async {
        let task = server.withLock { task in defer { task = nil }; return task }
        task?.cancel()
        _ = try? await task?.value
    }
}

/// A further Twilio account the fake accepts (an agency's own).
public struct FakeTwilioAccount: Sendable, Hashable {
    public var accountSid: String
    public var authToken: String

    public init(accountSid: String, authToken: String) {
        self.accountSid = accountSid
        self.authToken = authToken
    }
}

/// The fake server could not start.
public struct FakeServerError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

/// Mutable state of all fakes, under one lock.
struct FakeState {
    var scripts: [FakeProvider: [FakeReply]] = [:]
    var flights: [String: [Value]] = [:]
    var messages: [FakeMessage] = []
    var requestCounts: [FakeProvider: Int] = [:]
    var chatRequests: [Value] = []
    var deliveryScripts: [FakeDeliveryOutcome] = []
    /// How many of the next messages with a `StatusCallback` post their callbacks before the create is answered.
    var earlyCallbackMessages = 0
    var statusCallbacks: [FakeStatusCallback] = []
    var nextSid = 1
    var backendRequests: [FakeRequest] = []
    var backendIdempotentAnswers: [String: HTTPResponseSpec] = [:]
    /// Open-Meteo days by `FakeForecast.key` + `|` + date.
    var forecasts: [String: FakeForecast] = [:]
}

/// The responder's context: the basic one plus the connection, which a fault may reset.
struct FakeRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }
}

/// Hummingbird responder forwarding every request to `FakeProviderServer.answer` (faults, then `handle`).
struct FakeResponder: HTTPResponder {
    typealias Context = FakeRequestContext
    let fake: FakeProviderServer

    func respond(to request: Request, context: FakeRequestContext) async throws -> Response {
        var request = request
        let body = try await request.collectBody(upTo: 1 << 20)
        let headers = request.headers.map { (name: $0.name.canonicalName, value: $0.value) }
        let target = request.uri.path + (request.uri.query.map { "?" + $0 } ?? "")
        guard let fakeRequest = FakeRequest(
            method: request.method.rawValue, url: target, headers: headers, body: Array(buffer: body))
        else { return Response(status: .badRequest) }
        let answer: HTTPResponseSpec
        switch await fake.answer(fakeRequest) {
        case .response(let response): answer = response
        case .reset:
            return await Self.reset(context.channel)
        case .stallThenReset(let stall):
            try? await Task.sleep(for: .milliseconds(stall.milliseconds))
            return await Self.reset(context.channel)
        }
        var fields = HTTPFields()
        for header in answer.headers {
            if let name = HTTPField.Name(header.name) { fields.append(HTTPField(name: name, value: header.value)) }
        }
        return Response(
            status: .init(code: answer.status), headers: fields,
            body: .init(byteBuffer: ByteBuffer(bytes: answer.body)))
    }

    /// Resets the connection (SO_LINGER 0, then close: the client reads ECONNRESET, no answer).
    static func reset(_ channel: any Channel) async -> Response {
        if let socket = channel as? any SocketOptionProvider {
            try? await socket.setSoLinger(linger(l_onoff: 1, l_linger: 0)).get()
        }
        try? await channel.close()
        return Response(status: .internalServerError)
    }
}
