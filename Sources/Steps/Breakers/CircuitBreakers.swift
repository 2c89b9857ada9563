public import FlowEngine
import Synchronization

/// The process's circuit breakers, one per circuit: a provider (`twilio`, `aeroapi`, `openai`), and
/// for Twilio each agency with an account of its own (`twilio:acme`), since one account's outage
/// or suspension says nothing about another's. Circuits are made on first use with their
/// provider's settings. Every change of state is reported to `onTransition` (the daemon's metrics
/// and log).
public final class CircuitBreakers: Sendable {
    /// The settings of each provider's circuits; `standard` for a provider it does not name.
    public struct Configuration: Sendable, Hashable {
        public var standard: BreakerSettings
        /// By provider name (a circuit `twilio:acme` takes `twilio`'s).
        public var providers: [String: BreakerSettings]

        public init(standard: BreakerSettings = .standard, providers: [String: BreakerSettings] = [:]) {
            self.standard = standard
            self.providers = providers
        }

        /// The settings of `circuit`'s provider.
        public func settings(for circuit: String) -> BreakerSettings {
            let provider = circuit.split(separator: ":", maxSplits: 1).first.map(String.init) ?? circuit
            return providers[provider] ?? standard
        }
    }

    public let configuration: Configuration
    private let clock: @Sendable () -> Instant
    private let onTransition: @Sendable (_ circuit: String, _ transition: CircuitBreaker.Transition) -> Void
    private let circuits = Mutex<[String: CircuitBreaker]>([:])

    public init(
        _ configuration: Configuration = Configuration(), clock: @escaping @Sendable () -> Instant,
        onTransition: @escaping @Sendable (String, CircuitBreaker.Transition) -> Void = { _, _ in }
    ) {
        self.configuration = configuration
        self.clock = clock
        self.onTransition = onTransition
    }

    /// Whether a call on `circuit` may go now.
    public func admit(_ circuit: String) -> CircuitBreaker.Admission {
        let now = clock()
        let (admission, transition) = circuits.withLock { all in
            var breaker = all[circuit] ?? CircuitBreaker(settings: configuration.settings(for: circuit))
            let result = breaker.admit(at: now)
            all[circuit] = breaker
            return result
        }
        if let transition { onTransition(circuit, transition) }
        return admission
    }

    /// Records what a call `admit` let through came to.
    public func record(_ circuit: String, _ outcome: CircuitBreaker.Outcome, probe: Bool) {
        let now = clock()
        let transition: CircuitBreaker.Transition? = circuits.withLock { all in
            guard var breaker = all[circuit] else { return nil }
            let transition = breaker.record(outcome, probe: probe, at: now)
            all[circuit] = breaker
            return transition
        }
        if let transition { onTransition(circuit, transition) }
    }

    /// Every circuit used so far and its state (what `/health` shows).
    public var states: [String: CircuitBreaker.State] {
        circuits.withLock { $0.mapValues(\.state) }
    }
}
