public import FlowEngine
import Foundation

/// Maps Twilio answers into the closed taxonomy (docs/providers.md has the table).
public enum TwilioErrorMapping {
    /// Codes that mean "this request will never succeed": not retried.
    public static let permanentCodes: Set<Int> = [20001, 20003, 21211, 21610, 21656, 21408, 21606, 21614, 63016]

    /// Classifies a non-2xx response from the Messages API.
    public static func failure(status: Int, body: [UInt8]) -> StepFailure {
        let parsed = try? JSONDecoder().decode(TwilioRestError.self, from: Data(body))
        let code = parsed?.code
        let message = parsed?.message.map { String($0.prefix(300)) } ?? "HTTP \(status)"
        let codeText = "twilio.\(code.map(String.init) ?? "http_\(status)")"
        let errorClass: ErrorClass
        if status == 429 || code == 20429 || status >= 500 || status == 408 {
            errorClass = .transient
        } else if status == 404 || code == 20404 {
            errorClass = .notFound
        } else {
            errorClass = .permanent
        }
        return StepFailure(errorClass, code: codeText, message: message, providerStatus: status)
    }
}

/// The classic Twilio error body: `{code, message, more_info, status}`.
struct TwilioRestError: Decodable {
    var code: Int?
    var message: String?
    var status: Int?
}
