/// The closed taxonomy of errors a flow can reason about. Provider codes map into it
/// (`contracts/README.md`); `catch` and `retry.on` name these.
public enum ErrorClass: String, Sendable, Hashable, Codable, CaseIterable {
    /// Worth trying again: timeouts at the transport, 429, 5xx.
    case transient
    /// The provider will never accept this request (invalid number, opted out, bad template).
    case permanent
    /// The thing asked for does not exist (confirmed, not a transient outage).
    case notFound = "not_found"
    /// The step exceeded its own `timeout`.
    case timeout
    /// A human rejected an approval, or it expired.
    case rejected
    /// The instance was cancelled while the step ran.
    case cancelled
    /// An expression failed at run time (missing field, wrong type).
    case expression
    /// A budget or cap was exhausted (AeroAPI calls per day, messages per trip).
    case limit
    /// A reply that does not match what the step promised (e.g. OpenAI JSON failing its schema).
    case invalidResponse = "invalid_response"
}
