import Foundation
import Hummingbird
import Logging
import NIOCore
import Synchronization

/// A tiny OpenTelemetry collector on 127.0.0.1: accepts OTLP/HTTP exports on `POST /v1/traces`
/// and keeps their bodies (protobuf or JSON; span names and attribute keys are plain UTF-8 in both).
final class OTLPCollector: Sendable {
    private let bodies = Mutex<[[UInt8]]>([])
    private let server = Mutex<Task<Void, any Error>?>(nil)

    /// The export bodies received so far, in order.
    var exports: [[UInt8]] { bodies.withLock { $0 } }

    /// Every export body received so far as one (lossy) UTF-8 string, for substring checks.
    var text: String { exports.map { String(decoding: $0, as: UTF8.self) }.joined(separator: "\n") }

    /// Starts listening on a free port; returns the base URL (`http://127.0.0.1:PORT`).
    func start() async throws -> String {
        let router = Router()
        router.post("v1/traces") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 16 << 20)
            self.bodies.withLock { $0.append(Array(buffer: body)) }
            // An empty ExportTraceServiceResponse: full success.
            return Response(status: .ok, headers: [.contentType: "application/x-protobuf"])
        }
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        var logger = Logger(label: "flow.test-collector")
        logger.logLevel = .warning
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                continuation.yield(channel.localAddress?.port ?? 0)
                continuation.finish()
            },
            logger: logger)
        server.withLock { $0 = Task { try await app.run() } }
        var port = 0
        for await p in ports { port = p }
        guard port > 0 else { throw CollectorError() }
        return "http://127.0.0.1:\(port)"
    }

    func stop() async {
        let task = server.withLock { task in defer { task = nil }; return task }
        task?.cancel()
        _ = try? await task?.value
    }

    struct CollectorError: Error {}
}
