/// F117: retry numbers are in range (attempts 1–100, factor 1–10, delays positive, cap ≥ initial).
struct RetryPolicyRule: ValidationRule {
    func check(_ flow: Flow, in context: ValidationContext) -> [Diagnostic] {
        var out: [Diagnostic] = []
        for walked in context.walk(of: flow).states {
            let state = walked.state
            guard case .step(let step) = state.kind, let retry = step.retry else { continue }
            if let value = retry.maxAttempts.literalValue {
                if let n = value.numberValue, n.rounded() == n, (1...100).contains(n) {
                } else {
                    out.append(.error(.invalidRetry, "max_attempts must be a whole number from 1 to 100, found \(value.jsonText)",
                                      at: retry.maxAttempts.location))
                }
            }
            if let factor = retry.factor, let value = factor.literalValue {
                if let n = value.numberValue, (1...10).contains(n) {
                } else {
                    out.append(.error(.invalidRetry, "factor must be a number from 1 to 10, found \(value.jsonText)",
                                      at: factor.location))
                }
            }
            var initial: TimeSpan?
            for (name, template) in [("initial", retry.initial), ("max_delay", retry.maxDelay), ("budget", retry.budget)] {
                guard let template, let span = template.literalValue?.stringValue.flatMap(TimeSpan.init(parsing:)) else {
                    continue
                }
                if span <= .zero {
                    out.append(.error(.invalidRetry, "\(name) must be longer than zero", at: template.location))
                }
                if name == "initial" { initial = span }
                if name == "max_delay", let initial, span < initial {
                    out.append(.error(.invalidRetry, "max_delay (\(span)) is shorter than initial (\(initial))",
                                      at: template.location))
                }
            }
        }
        return out
    }
}

extension RetryPolicy {
    /// Whether the policy can make more than one attempt (an expression might).
    var retries: Bool {
        guard let value = maxAttempts.literalValue else { return true }
        return (value.numberValue ?? 1) > 1
    }
}
