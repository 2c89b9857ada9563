public import FlowEngine
import Synchronization

/// A transport answered by a closure, which records every request it is sent. For tests and
/// dry-runs: no network, fully deterministic.
public final class FixtureTransport: HTTPTransport {
    public typealias Responder = @Sendable (HTTPRequestSpec) async throws(TransportError) -> HTTPResponseSpec

    private let responder: Responder
    private let log = Mutex<[HTTPRequestSpec]>([])

    public init(_ responder: @escaping Responder) {
        self.responder = responder
    }

    /// Answers queued responses in order; once the queue is empty every call fails as `.connection`.
    public convenience init(queue: [Result<HTTPResponseSpec, TransportError>]) {
        let pending = Mutex(queue)
        self.init { _ throws(TransportError) in
            let next = pending.withLock { $0.isEmpty ? nil : $0.removeFirst() }
            guard let next else { throw TransportError(.connection, "fixture queue is empty") }
            return try next.get()
        }
    }

    /// Every request sent so far, in order.
    public var requests: [HTTPRequestSpec] { log.withLock { $0 } }

    public func send(_ request: HTTPRequestSpec, timeout: TimeSpan?) async throws(TransportError) -> HTTPResponseSpec {
        log.withLock { $0.append(request) }
        return try await responder(request)
    }
}

/// Wraps another transport and records each exchange (request, response or error), e.g. to
/// capture fixtures from a fake server or to show what a dry-run would have sent.
public final class RecordingTransport: HTTPTransport {
    /// One request and what came back.
    public struct Exchange: Sendable {
        public var request: HTTPRequestSpec
        public var result: Result<HTTPResponseSpec, TransportError>
    }

    private let inner: any HTTPTransport
    private let log = Mutex<[Exchange]>([])

    public init(wrapping inner: any HTTPTransport) {
        self.inner = inner
    }

    public var exchanges: [Exchange] { log.withLock { $0 } }

    public func send(_ request: HTTPRequestSpec, timeout: TimeSpan?) async throws(TransportError) -> HTTPResponseSpec {
        do {
            let response = try await inner.send(request, timeout: timeout)
            log.withLock { $0.append(Exchange(request: request, result: .success(response))) }
            return response
        } catch {
            log.withLock { $0.append(Exchange(request: request, result: .failure(error))) }
            throw error
        }
    }
}
