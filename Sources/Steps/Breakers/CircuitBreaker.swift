public import FlowEngine

/// One provider's circuit breaker as a pure state machine (the clock is an argument): after
/// `BreakerSettings.failures` consecutive transient failures within `window` it opens; while open
/// every call is refused at once; once `openFor` has passed one probe call is let through
/// (half-open); the probe's success closes it, its failure opens it again.
///
/// The caller performs the calls: `admit(at:)` says whether one may go, `record(_:at:)` what it
/// came to. `CircuitBreakers` keeps one per provider (and Twilio account) behind a lock.
public struct CircuitBreaker: Sendable, Hashable {
    /// Where the breaker is.
    public enum State: String, Sendable, Hashable, CaseIterable, Codable {
        case closed, open
        case halfOpen = "half_open"
    }

    /// Whether a call may go now.
    public enum Admission: Sendable, Hashable {
        /// The circuit is closed: call.
        case allowed
        /// The half-open probe: call, and report the result (it decides the circuit).
        case probe
        /// The circuit is open (or a probe is out): do not call; try again after `retryAfter`.
        case refused(retryAfter: TimeSpan)
    }

    /// What an admitted call came to, as far as the provider's health is concerned.
    public enum Outcome: Sendable, Hashable {
        /// The provider answered (a success, or an error it meant, such as a 4xx).
        case answered
        /// A transient failure of the provider (5xx, 429, no connection, a timeout).
        case failed
        /// Nothing learned about the provider (the call never reached it, e.g. a local rate limit).
        case neutral
    }

    /// A change of state.
    public struct Transition: Sendable, Hashable {
        public var from: State
        public var to: State
    }

    public let settings: BreakerSettings
    public private(set) var state: State = .closed
    /// Consecutive failures counted since `streakStart`.
    private(set) var failures = 0
    private var streakStart: Instant?
    /// When the circuit last opened.
    private var openedAt: Instant?
    /// When the half-open probe went out; nil while none is out.
    private var probeSentAt: Instant?

    /// How long a call waits when a probe is out (the probe decides within one call's time).
    public static let probeWait = TimeSpan.seconds(1)

    public init(settings: BreakerSettings) {
        self.settings = settings
    }

    /// Whether a call may go at `now`; an open circuit whose interval has passed becomes half-open and
    /// lets this call through as its probe. A probe that never reported (its task was cancelled) is
    /// replaced after another `openFor`.
    public mutating func admit(at now: Instant) -> (Admission, Transition?) {
        switch state {
        case .closed:
            return (.allowed, nil)
        case .open:
            let reopensAt = (openedAt ?? now) + settings.openFor
            guard now >= reopensAt else { return (.refused(retryAfter: reopensAt - now), nil) }
            state = .halfOpen
            probeSentAt = now
            return (.probe, Transition(from: .open, to: .halfOpen))
        case .halfOpen:
            if let sent = probeSentAt, now < sent + settings.openFor {
                return (.refused(retryAfter: Self.probeWait), nil)
            }
            probeSentAt = now
            return (.probe, nil)
        }
    }

    /// Records what an admitted call came to at `now`; returns the change of state it caused.
    /// `probe` says whether the call was admitted as the probe: a late result of a call admitted
    /// before the circuit opened changes nothing.
    public mutating func record(_ outcome: Outcome, probe: Bool, at now: Instant) -> Transition? {
        switch (state, outcome) {
        case (.closed, .answered):
            failures = 0
            streakStart = nil
            return nil
        case (.closed, .failed):
            if let start = streakStart, now - start <= settings.window {
                failures += 1
            } else {
                streakStart = now
                failures = 1
            }
            guard failures >= settings.failures else { return nil }
            return open(at: now, from: .closed)
        case (.closed, .neutral), (.open, _):
            return nil
        case (.halfOpen, _) where !probe:
            return nil
        case (.halfOpen, .answered):
            state = .closed
            failures = 0
            streakStart = nil
            openedAt = nil
            probeSentAt = nil
            return Transition(from: .halfOpen, to: .closed)
        case (.halfOpen, .failed):
            return open(at: now, from: .halfOpen)
        case (.halfOpen, .neutral):
            // The probe learned nothing: the next call probes.
            probeSentAt = nil
            return nil
        }
    }

    private mutating func open(at now: Instant, from: State) -> Transition {
        state = .open
        openedAt = now
        probeSentAt = nil
        failures = 0
        streakStart = nil
        return Transition(from: from, to: .open)
    }
}
