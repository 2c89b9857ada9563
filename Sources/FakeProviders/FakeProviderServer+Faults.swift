import FlowEngine
import Steps

/// What one request gets once the fault plan has drawn: an answer, or a connection that is
/// reset (at once, or after a stall past the client's timeout).
enum FakeAnswer: Sendable {
    case response(HTTPResponseSpec)
    /// Reset the connection without answering.
    case reset
    /// Hold the connection this long, then reset it.
    case stallThenReset(TimeSpan)
}

extension FakeProviderServer {
    /// The fake a path belongs to (nil: none).
    static func provider(of path: String) -> FakeProvider? {
        if path.hasPrefix("/2010-04-01/Accounts/") { return .twilio }
        if path.hasPrefix("/aeroapi/flights/") { return .aeroapi }
        if path == "/v1/chat/completions" { return .openai }
        if path.hasPrefix("/backend/") { return .backend }
        if path == "/openmeteo/v1/forecast" { return .openmeteo }
        return nil
    }

    /// `handle(_:)` under the fault plan: the drawn fault, or the normal answer.
    func answer(_ request: FakeRequest) async -> FakeAnswer {
        guard let provider = Self.provider(of: request.path), let fault = faults.draw(for: provider) else {
            return .response(await handle(request))
        }
        switch fault.kind {
        case .rateLimited:
            return .response(Self.rateLimited(provider, retryAfterSeconds: faults.plan.retryAfterSeconds))
        case .serverError:
            return .response(Self.serverError(provider, status: fault.variant == 0 ? 500 : 503))
        case .connectionReset:
            return .reset
        case .answerLost:
            // The provider did the work (a create is recorded); only the answer is lost.
            _ = await handle(request)
            return fault.variant == 0 ? .reset : .stallThenReset(faults.plan.stall)
        case .slow:
            try? await Task.sleep(for: .milliseconds(fault.delay.milliseconds))
            return .response(await handle(request))
        }
    }

    /// A 429 in the provider's own shape, with `Retry-After`.
    static func rateLimited(_ provider: FakeProvider, retryAfterSeconds: Int) -> HTTPResponseSpec {
        let retryAfter = [(name: "Retry-After", value: String(retryAfterSeconds))]
        switch provider {
        case .twilio:
            var response = twilioError(20429, 429, "Too Many Requests")
            response.headers += retryAfter
            return response
        case .aeroapi:
            return aeroError(429, "Rate limit exceeded", retryAfter: retryAfterSeconds)
        case .openai:
            return openAIError(
                429, "requests", "rate_limit_exceeded", "Rate limit reached for requests",
                headers: [
                    ("x-ratelimit-limit-requests", "60"), ("x-ratelimit-remaining-requests", "0"),
                    ("x-ratelimit-reset-requests", "\(retryAfterSeconds)s"),
                    ("retry-after-ms", String(retryAfterSeconds * 1_000)), ("retry-after", String(retryAfterSeconds)),
                ])
        case .backend, .openmeteo:
            return HTTPResponseSpec(
                status: 429, headers: [("Content-Type", "application/json")] + retryAfter,
                text: #"{"error": true, "reason": "Too many requests"}"#)
        }
    }

    /// A 500 or 503 in the provider's own shape.
    static func serverError(_ provider: FakeProvider, status: Int) -> HTTPResponseSpec {
        let unavailable = status == 503
        switch provider {
        case .twilio:
            return unavailable
                ? twilioError(20503, 503, "Service Unavailable") : twilioError(20500, 500, "Internal Server Error")
        case .aeroapi:
            return aeroError(status, unavailable ? "Service temporarily unavailable" : "Internal server error")
        case .openai:
            return openAIError(
                status, "server_error", nil,
                unavailable ? "The server is overloaded or not ready yet." : "The server had an error while processing your request.")
        case .backend, .openmeteo:
            return HTTPResponseSpec(
                status: status, headers: [("Content-Type", "application/json")],
                text: #"{"error": true, "reason": "Internal error"}"#)
        }
    }
}
