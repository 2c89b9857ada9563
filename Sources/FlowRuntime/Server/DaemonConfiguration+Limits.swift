import FlowEngine

/// The environment's request limits:
///
/// | variable | meaning | default |
/// |---|---|---|
/// | `FLOW_MAX_BODY_BYTES` | the largest request body, in bytes (1 KiB–64 MiB), on every route | 1048576 (1 MiB) |
/// | `FLOW_RATE_LIMIT` | `off` turns the rate limit off | on |
/// | `FLOW_RATE_LIMIT_PER_SECOND` | requests a second per API key (per address on public routes), 1–1000 | 100 |
/// | `FLOW_RATE_LIMIT_BURST` | requests at once after a pause, 1–100000 | 200 |
extension DaemonConfiguration {
    /// The bounds of `FLOW_MAX_BODY_BYTES`.
    public static let bodyLimitRange = 1024...(64 * 1024 * 1024)

    /// `FLOW_MAX_BODY_BYTES`; nil when not set.
    static func maxBodyBytes(_ variables: [String: String]) throws(ConfigurationError) -> Int? {
        guard let text = variables["FLOW_MAX_BODY_BYTES"], !text.isEmpty else { return nil }
        guard let bytes = Int(text), bodyLimitRange.contains(bytes) else {
            throw ConfigurationError(message: "FLOW_MAX_BODY_BYTES: '\(text)' must be a number of bytes from "
                + "\(bodyLimitRange.lowerBound) to \(bodyLimitRange.upperBound)")
        }
        return bytes
    }

    /// `FLOW_RATE_LIMIT*`; nil when none is set, `.some(nil)` for `FLOW_RATE_LIMIT=off`.
    static func rateLimit(_ variables: [String: String]) throws(ConfigurationError) -> RequestRateLimit?? {
        func value(_ name: String) -> String? { variables[name].flatMap { $0.isEmpty ? nil : $0 } }
        let switchText = value("FLOW_RATE_LIMIT")
        let perSecond = value("FLOW_RATE_LIMIT_PER_SECOND")
        let burst = value("FLOW_RATE_LIMIT_BURST")
        guard switchText != nil || perSecond != nil || burst != nil else { return nil }
        switch switchText {
        case "off": return .some(nil)
        case nil, "on": break
        case let other?: throw ConfigurationError(message: "FLOW_RATE_LIMIT: '\(other)' must be on or off")
        }
        var limit = RequestRateLimit()
        if let perSecond { limit.perSecond = try number(perSecond, "FLOW_RATE_LIMIT_PER_SECOND", 1...1000) }
        if let burst { limit.burst = try number(burst, "FLOW_RATE_LIMIT_BURST", 1...100_000) }
        return .some(limit)
    }

    private static func number(_ text: String, _ name: String, _ range: ClosedRange<Int>) throws(ConfigurationError) -> Int {
        guard let number = Int(text), range.contains(number) else {
            throw ConfigurationError(message: "\(name): '\(text)' must be a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }
}
