/// F117: retry numbers are in range (attempts 1–100, factor 1–10, delays positive, cap ≥ initial).
struct RetryPolicyRule: ValidationRule {
    func check(_ flow: Flow, in context: ValidationContext) -> [Diagnostic] {
        var out: [Diagnostic] = []
        for walked in context.walk(of: flow).states {
            let state = walked.state
            guard case .step(let step) = state.kind, let retry = step.retry else { continue }
            // Literal values, and `${{ settings.x }}` as the setting's (possibly overridden) value.
            if let value = flow.settledValue(of: retry.maxAttempts) {
                if let n = value.value.numberValue, n.rounded() == n, (1...100).contains(n) {
                } else {
                    out.append(.error(.invalidRetry, "max_attempts must be a whole number from 1 to 100, found \(value.value.jsonText)",
                                      at: value.location))
                }
            }
            if let value = flow.settledValue(of: retry.factor) {
                if let n = value.value.numberValue, (1...10).contains(n) {
                } else {
                    out.append(.error(.invalidRetry, "factor must be a number from 1 to 10, found \(value.value.jsonText)",
                                      at: value.location))
                }
            }
            var initial: TimeSpan?
            for (name, template) in [("initial", retry.initial), ("max_delay", retry.maxDelay), ("budget", retry.budget)] {
                guard let value = flow.settledValue(of: template), let span = Self.span(value.value) else { continue }
                if span <= .zero {
                    out.append(.error(.invalidRetry, "\(name) must be longer than zero", at: value.location))
                }
                if name == "initial" { initial = span }
                if name == "max_delay", let initial, span < initial {
                    out.append(.error(.invalidRetry, "max_delay (\(span)) is shorter than initial (\(initial))",
                                      at: value.location))
                }
            }
        }
        return out
    }

    /// A duration given as text (`5m`) or as a duration value; nil otherwise (T201 reports it).
    static func span(_ value: Value) -> TimeSpan? {
        if case .duration(let span) = value { return span }
        return value.stringValue.flatMap(TimeSpan.init(parsing:))
    }
}

extension RetryPolicy {
    /// Whether the policy can make more than one attempt (an expression might).
    var retries: Bool {
        guard let value = maxAttempts.literalValue else { return true }
        return (value.numberValue ?? 1) > 1
    }
}
