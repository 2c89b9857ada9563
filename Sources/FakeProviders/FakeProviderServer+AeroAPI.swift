import FlowEngine
import Steps

extension FakeProviderServer {
    func handleAeroAPI(_ request: FakeRequest) async -> HTTPResponseSpec {
        countRequest(.aeroapi)
        guard request.method == "GET" else { return Self.aeroError(405, "Method not allowed") }
        guard request.header("x-apikey") == configuration.aeroapiKey else {
            return Self.aeroError(401, "Unauthorized: missing or invalid x-apikey")
        }
        let ident = String(request.path.dropFirst("/aeroapi/flights/".count))
        guard !ident.isEmpty, !ident.contains("/") else { return Self.aeroError(400, "Incorrect parameter(s): ident") }
        var start: Instant?
        var end: Instant?
        for (name, target) in [("start", 0), ("end", 1)] {
            guard let text = request.queryValue(name) else { continue }
            let parsed = Instant(iso8601: text) ?? Self.parseDate(text)
            guard let parsed else { return Self.aeroError(400, "Incorrect parameter(s): \(name)") }
            if target == 0 { start = parsed } else { end = parsed }
        }
        if let mp = request.queryValue("max_pages"), (Int(mp) ?? 0) < 1 {
            return Self.aeroError(400, "Incorrect parameter(s): max_pages")
        }
        let offset: Int
        if let cursor = request.queryValue("cursor") {
            guard let n = Int(cursor), n >= 0 else { return Self.aeroError(400, "Incorrect parameter(s): cursor") }
            offset = n
        } else {
            offset = 0
        }

        switch nextReply(.aeroapi) {
        case .normal: break
        case .delayed(let span): try? await Task.sleep(for: .milliseconds(span.milliseconds))
        case .aeroapiError(let status, let retryAfter): return Self.aeroError(status, "Scripted error", retryAfter: retryAfter)
        case .raw(let response): return response
        default: return Self.aeroError(500, "Internal Server Error")
        }

        let byID = request.queryValue("ident_type") == "fa_flight_id"
        let all = state.withLock { state in
            byID ? state.flights.values.flatMap { $0 }.filter { $0["fa_flight_id"]?.stringValue == ident } : state.flights[ident]
        }
        guard let all, !(all.isEmpty && !byID && configuration.aeroapiUnknownIdentStatus == 404) else {
            if configuration.aeroapiUnknownIdentStatus == 404 { return Self.aeroError(404, "Unknown ident") }
            return Self.json(200, ["flights": [], "links": .null, "num_pages": 1])
        }
        let inWindow = all.filter { flight in
            let departure = (flight["scheduled_out"]?.stringValue ?? flight["scheduled_off"]?.stringValue).flatMap(Instant.init(iso8601:))
            guard let departure else { return false }
            return (start.map { departure >= $0 } ?? true) && (end.map { departure < $0 } ?? true)
        }.sorted { ($0["scheduled_out"]?.stringValue ?? "") > ($1["scheduled_out"]?.stringValue ?? "") }
        let size = configuration.aeroapiPageSize
        let page = Array(inWindow.dropFirst(offset).prefix(size))
        var links: Value = .null
        if inWindow.count > offset + size {
            var query = request.query.filter { $0.0 != "cursor" }
            query.append(("cursor", String(offset + size)))
            links = ["next": .string("/flights/\(ident)?" + FormEncoding.encode(query))]
        }
        return Self.json(200, ["flights": .array(page), "links": links, "num_pages": 1])
    }

    static func parseDate(_ text: String) -> Instant? {
        Instant(iso8601: text + "T00:00:00Z")
    }

    static func aeroError(_ status: Int, _ detail: String, retryAfter: Int? = nil) -> HTTPResponseSpec {
        let title = status == 429 ? "Too many requests" : status == 401 ? "Unauthorized" : "Error \(status)"
        return json(
            status,
            ["title": .string(title), "reason": .string("FakeError"), "detail": .string(detail), "status": .number(Double(status))],
            headers: retryAfter.map { [("Retry-After", String($0))] } ?? [])
    }
}
