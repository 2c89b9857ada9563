public import AsyncHTTPClient
public import FlowEngine
import NIOCore
import NIOHTTP1

/// The production transport: one shared `HTTPClient` (connection pooling across all steps), a
/// per-call deadline, and the response body collected up to a size bound. Redirects are never
/// followed (a 3xx is the answer): a redirect must not lead `http.request` outside its allow-list.
public struct AsyncHTTPClientTransport: HTTPTransport {
    /// The client every call goes through. Owned by whoever created it (see `init(client:)`).
    public let client: HTTPClient
    /// Used when a call passes no timeout.
    public var defaultTimeout: TimeSpan
    /// Responses larger than this fail as `.responseTooLarge` (providers answer kilobytes, not megabytes).
    public var maxResponseBytes: Int

    /// Uses `processClient`, the process-wide client, which never needs shutting down.
    public init(defaultTimeout: TimeSpan = .seconds(30), maxResponseBytes: Int = 8 << 20) {
        self.init(client: Self.processClient, defaultTimeout: defaultTimeout, maxResponseBytes: maxResponseBytes)
    }

    /// `HTTPClient.shared`'s configuration without following redirects, and up to
    /// `connectionsPerHost` HTTP/1.1 connections to one provider host (AsyncHTTPClient's default, 8,
    /// queues the 9th concurrent send behind the first eight's answers); lives as long as the process.
    public static let processClient: HTTPClient = {
        var configuration = HTTPClient.Configuration.singletonConfiguration
        configuration.redirectConfiguration = .disallow
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = connectionsPerHost
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()

    /// Concurrent HTTP/1.1 connections per host of `processClient`: a worker sends to one provider
    /// for many instances at once (`flow-bench notify`: 100 sends against a 150 ms provider).
    public static let connectionsPerHost = 128

    /// Uses a client the caller owns (and shuts down).
    public init(client: HTTPClient, defaultTimeout: TimeSpan = .seconds(30), maxResponseBytes: Int = 8 << 20) {
        self.client = client
        self.defaultTimeout = defaultTimeout
        self.maxResponseBytes = maxResponseBytes
    }

    public func send(_ request: HTTPRequestSpec, timeout: TimeSpan?) async throws(TransportError) -> HTTPResponseSpec {
        var outgoing = HTTPClientRequest(url: request.url)
        outgoing.method = HTTPMethod(rawValue: request.method.rawValue)
        for header in request.headers { outgoing.headers.add(name: header.name, value: header.value) }
        if !request.body.isEmpty { outgoing.body = .bytes(ByteBuffer(bytes: request.body)) }
        let span = timeout ?? defaultTimeout
        let deadline = NIODeadline.now() + .milliseconds(max(span.milliseconds, 1))
        do {
            let response = try await client.execute(outgoing, deadline: deadline)
            let body = try await response.body.collect(upTo: maxResponseBytes)
            return HTTPResponseSpec(
                status: Int(response.status.code),
                headers: response.headers.map { (name: $0.name, value: $0.value) },
                body: Array(buffer: body)
            )
        } catch let error as NIOTooManyBytesError {
            let limit = error.maxBytes ?? maxResponseBytes
            throw TransportError(
                .responseTooLarge, "the response from \(Self.host(of: request.url)) is larger than \(limit) bytes")
        } catch let error as HTTPClientError {
            throw Self.map(error, host: Self.host(of: request.url))
        } catch is CancellationError {
            throw TransportError(.timeout, "request to \(Self.host(of: request.url)) was cancelled")
        } catch {
            throw TransportError(.connection, "request to \(Self.host(of: request.url)) failed: \(type(of: error))")
        }
    }

    static func map(_ error: HTTPClientError, host: String) -> TransportError {
        let timeouts: [HTTPClientError] = [
            .deadlineExceeded, .readTimeout, .writeTimeout, .connectTimeout, .getConnectionFromPoolTimeout,
            .tlsHandshakeTimeout,
        ]
        if timeouts.contains(error) {
            return TransportError(.timeout, "no response from \(host) before the deadline")
        }
        if [HTTPClientError.invalidURL, .emptyHost, .emptyScheme].contains(error) {
            return TransportError(.invalidRequest, "the URL for \(host) is not usable")
        }
        return TransportError(.connection, "connection to \(host) failed (\(error.shortDescription))")
    }

    /// Scheme and host only: paths can carry account identifiers, queries can carry anything.
    static func host(of url: String) -> String {
        guard let schemeEnd = url.range(of: "://") else { return "?" }
        let rest = url[schemeEnd.upperBound...]
        let hostPart = rest.prefix { $0 != "/" && $0 != "?" }
        return String(url[..<schemeEnd.upperBound]) + hostPart.split(separator: "@").last.map(String.init)!
    }
}

extension HTTPClientError {
    fileprivate var shortDescription: String {
        let text = String(describing: self)
        return text.count > 80 ? String(text.prefix(80)) : text
    }
}
