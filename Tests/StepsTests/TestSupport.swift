import FakeProviders
import FlowEngine
import Logging
import Steps
import Synchronization
import Testing

/// One row of a provider error-mapping table: what the fake answers, and the failure the step
/// must report (class, code and, where the provider says so, when to retry).
struct ProviderErrorCase: Sendable, CustomTestStringConvertible {
    var reply: FakeReply
    var errorClass: ErrorClass
    var code: String
    var retryAfter: TimeSpan? = nil
    var testDescription: String { code }
}

/// Shared fixtures: a fake provider server used in-process, a fixed "now", and a log capture.
enum TestSupport {
    static let now = Instant(iso8601: "2026-07-08T10:00:00Z")!

    static func context(
        _ fake: FakeProviderServer, now: Instant = TestSupport.now, timeout: TimeSpan? = nil,
        logs: LogCapture? = nil, transport: (any HTTPTransport)? = nil
    ) -> StepContext {
        var logger = Logger(label: "test") { _ in logs ?? LogCapture() }
        logger.logLevel = .trace
        return StepContext(
            transport: transport ?? fake, now: now, logger: logger, credentials: fake.credentials,
            endpoints: .local("http://fake.local"), timeout: timeout)
    }
}
