/// F107: every error class a step raises is retried, caught or listed in `propagates`.
/// F114 (warning): a catch, retry or propagates names a class the step never raises.
struct ErrorHandlingRule: ValidationRule {
    func check(_ flow: Flow, in context: ValidationContext) -> [Diagnostic] {
        var out: [Diagnostic] = []
        for walked in context.walk(of: flow).states {
            let state = walked.state
            guard case .step(let step) = state.kind, let signature = context.catalogue[step.step.value] else { continue }
            var raised = signature.errors
            if step.timeout != nil { raised.insert(.timeout) }
            let retried = Set(step.retry?.retriedClasses ?? [])
            let propagated = Set(step.propagates.map(\.value))
            let uncaught = ErrorClass.allCases.filter { error in
                raised.contains(error) && !retried.contains(error) && !propagated.contains(error)
                    && !step.catches.contains { $0.catches(error) }
            }
            if !uncaught.isEmpty {
                let names = uncaught.map(\.rawValue).joined(separator: ", ")
                out.append(.error(.uncaughtError,
                                  "'\(signature.name)' can fail with \(names): catch, retry or list in 'propagates'",
                                  at: step.step.location))
            }
            let named = step.catches.flatMap(\.errors) + (step.retry?.on ?? []) + step.propagates
            for error in named where !raised.contains(error.value) {
                out.append(.warning(.unreachableCatch, "'\(signature.name)' never fails with '\(error.value.rawValue)'",
                                    at: error.location))
            }
        }
        return out
    }
}
