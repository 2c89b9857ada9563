import FlowEngine
import Steps

/// A small product backend under `/backend/` for `http.request`'s contract tests:
///
/// - `GET /backend/bookings/{id}` → 200 `{id, status: "confirmed", query: {…the query…}}`;
/// - `POST|PUT|PATCH /backend/bookings[/{id}]` → 201 `{id, method, received: <the JSON body>}`, a
///   body that is not JSON → 400; a repeated `Idempotency-Key` answers the first answer again;
/// - `DELETE /backend/bookings/{id}` → 204;
/// - `GET /backend/echo-headers` → 200 with every request header by lower-cased name (a server
///   that echoes a credential back);
/// - `GET /backend/large?bytes=N` → 200 with an N-byte text body.
///
/// With `Configuration.backendCredential` set (`Authorization: Bearer …`), every request must carry
/// it (else 401). Script answers with `script(.backend, [.raw(…), .delayed(…)])`; every request is
/// kept (`backendRequests`).
extension FakeProviderServer {
    /// Requests the backend received, in order.
    public var backendRequests: [FakeRequest] { state.withLock { $0.backendRequests } }

    func handleBackend(_ request: FakeRequest) async -> HTTPResponseSpec {
        countRequest(.backend)
        state.withLock { $0.backendRequests.append(request) }
        if let required = configuration.backendCredential, request.header(required.0) != required.1 {
            return Self.backendJSON(401, ["error": .string("missing or wrong \(required.0)")])
        }
        switch nextReply(.backend) {
        case .raw(let response): return response
        case .delayed(let span):
            try? await Task.sleep(for: .milliseconds(span.milliseconds))
        default: break
        }
        let path = request.path.dropFirst("/backend".count)
        let segments = path.split(separator: "/").map(String.init)
        switch (request.method, segments.first ?? "", segments.count) {
        case ("GET", "echo-headers", 1):
            var headers: [String: Value] = [:]
            for header in request.headers { headers[header.name.lowercased()] = .string(header.value) }
            return Self.backendJSON(200, ["headers": .object(headers)])
        case ("GET", "large", 1):
            let bytes = Int(request.queryValue("bytes") ?? "") ?? 0
            return HTTPResponseSpec(status: 200, headers: [("Content-Type", "text/plain")],
                                    text: String(repeating: "x", count: bytes))
        case ("GET", "bookings", 2):
            var query: [String: Value] = [:]
            for (name, value) in request.query { query[name] = .string(value) }
            return Self.backendJSON(200, ["id": .string(segments[1]), "status": "confirmed", "query": .object(query)])
        case ("DELETE", "bookings", 2):
            return HTTPResponseSpec(status: 204)
        case ("POST", "bookings", _), ("PUT", "bookings", _), ("PATCH", "bookings", _):
            guard let received = JSONBody.parse(request.body) else {
                return Self.backendJSON(400, ["error": "the body is not JSON"])
            }
            let key = request.header("Idempotency-Key")
            return state.withLock { state in
                if let key, let first = state.backendIdempotentAnswers[key] { return first }
                let id = segments.count > 1 ? segments[1] : "bk_\(state.backendRequests.count)"
                let answer = Self.backendJSON(
                    201, ["id": .string(id), "method": .string(request.method), "received": received])
                if let key { state.backendIdempotentAnswers[key] = answer }
                return answer
            }
        default:
            return Self.backendJSON(404, ["error": .string("no backend route \(request.method) \(request.path)")])
        }
    }

    static func backendJSON(_ status: Int, _ body: Value) -> HTTPResponseSpec {
        HTTPResponseSpec(status: status, headers: [("Content-Type", "application/json")], text: body.jsonText)
    }
}
