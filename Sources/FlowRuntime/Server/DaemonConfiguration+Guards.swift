import FlowEngine
public import Steps

/// The environment's retention (`RetentionPolicy.fromEnvironment`) and circuit-breaker settings:
///
/// | variable | meaning | default |
/// |---|---|---|
/// | `FLOW_BREAKERS` | every provider's breakers: `failures=5,window=30s,open=30s` (any of the keys), or `off` | `BreakerSettings.standard` |
/// | `FLOW_BREAKERS_TWILIO`, `_AEROAPI`, `_OPENAI` | one provider's, over `FLOW_BREAKERS` | `FLOW_BREAKERS` |
extension DaemonConfiguration {
    /// The providers a `FLOW_BREAKERS_<PROVIDER>` variable may name.
    public static let breakerProviders = ["twilio", "aeroapi", "openai"]

    /// `FLOW_RETENTION*`; nil when none is set.
    static func retentionPolicy(_ variables: [String: String]) throws(ConfigurationError) -> RetentionPolicy? {
        let names = ["FLOW_RETENTION", "FLOW_RETENTION_INTERVAL", "FLOW_RETENTION_BATCH"]
        guard names.contains(where: { !(variables[$0] ?? "").isEmpty }) else { return nil }
        do {
            return try RetentionPolicy.fromEnvironment(variables)
        } catch {
            throw ConfigurationError(message: error.message)
        }
    }

    /// `FLOW_BREAKERS*`; nil when none is set, `.some(nil)` for `FLOW_BREAKERS=off`.
    static func breakerConfiguration(_ variables: [String: String]) throws(ConfigurationError) -> CircuitBreakers.Configuration?? {
        let all = variables["FLOW_BREAKERS"].flatMap { $0.isEmpty ? nil : $0 }
        let perProvider = breakerProviders.compactMap { provider -> (String, String)? in
            let name = "FLOW_BREAKERS_" + provider.uppercased()
            return variables[name].flatMap { $0.isEmpty ? nil : (provider, $0) }
        }
        guard all != nil || !perProvider.isEmpty else { return nil }
        if all == "off" { return .some(nil) }
        do {
            var configuration = CircuitBreakers.Configuration()
            if let all {
                configuration.standard = try BreakerSettings.parse(all, over: .standard, from: "FLOW_BREAKERS")
            }
            for (provider, text) in perProvider {
                configuration.providers[provider] = try BreakerSettings.parse(
                    text, over: configuration.standard, from: "FLOW_BREAKERS_" + provider.uppercased())
            }
            return .some(configuration)
        } catch {
            throw ConfigurationError(message: error.message)
        }
    }
}
