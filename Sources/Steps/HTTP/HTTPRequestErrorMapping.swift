public import FlowEngine

/// Maps a non-2xx answer to `http.request` into the closed taxonomy (docs/providers.md):
/// 404 → not_found; 408, 429 and 5xx → transient (with `retryAfter` from `Retry-After`);
/// every other 3xx and 4xx → permanent. The code is `http.<status>`; the message names the method,
/// URL without its query, and up to 200 characters of the (redacted) body.
public enum HTTPRequestErrorMapping {
    public static func failure(_ response: HTTPResponseSpec, target: String, body: Value) -> StepFailure {
        let status = response.status
        let errorClass: ErrorClass
        switch status {
        case 404: errorClass = .notFound
        case 408, 429, 500...599: errorClass = .transient
        default: errorClass = .permanent
        }
        let retryAfter = errorClass == .transient ? RetryAfter.parse(response) : nil
        var message = "\(target) answered \(status)"
        let excerpt = body.isNull ? "" : (body.stringValue ?? body.jsonText)
        if !excerpt.isEmpty { message += ": " + String(excerpt.prefix(200)) }
        if (300..<400).contains(status) { message += " (redirects are not followed)" }
        return StepFailure(errorClass, code: "http.\(status)", message: message, retryAfter: retryAfter,
                           providerStatus: status)
    }
}

/// Keeps a credential's value out of what `http.request` returns: a server may echo the header
/// it received (a debugging endpoint, an error page), and results and errors reach the timeline.
enum HTTPRequestRedaction {
    static let placeholder = "<redacted>"

    /// The response body as a value (JSON when it parses, else text, null when empty), with every
    /// occurrence of the secret replaced.
    static func body(_ response: HTTPResponseSpec, secret: Secret?) -> Value {
        guard !response.body.isEmpty else { return .null }
        let value = JSONBody.parse(response.body) ?? .string(response.bodyText)
        guard let secret, !secret.exposed.isEmpty else { return value }
        return redact(value, secret.exposed)
    }

    static func text(_ text: String, secret: Secret?) -> String {
        guard let secret, !secret.exposed.isEmpty else { return text }
        return text.replacing(secret.exposed, with: placeholder)
    }

    static func redacting(_ failure: StepFailure, secret: Secret?) -> StepFailure {
        var copy = failure
        copy.message = text(failure.message, secret: secret)
        return copy
    }

    static func redact(_ value: Value, _ secret: String) -> Value {
        switch value {
        case .string(let s): .string(s.replacing(secret, with: placeholder))
        case .array(let items): .array(items.map { redact($0, secret) })
        case .object(let members):
            .object(Dictionary(
                members.map { ($0.key.replacing(secret, with: placeholder), redact($0.value, secret)) },
                uniquingKeysWith: { first, _ in first }))
        default: value
        }
    }
}
