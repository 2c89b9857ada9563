/// F108, F109, F110, F119: the step exists and `with` matches its signature.
struct StepSignatureRule: ValidationRule {
    func check(_ flow: Flow, in context: ValidationContext) -> [Diagnostic] {
        var out: [Diagnostic] = []
        for walked in context.walk(of: flow).states {
            let state = walked.state
            guard case .step(let step) = state.kind else { continue }
            guard let signature = context.catalogue[step.step.value] else {
                var message = "unknown step '\(step.step.value)'"
                if let suggestion = Spelling.closest(to: step.step.value, in: context.catalogue.names) {
                    message += "; did you mean '\(suggestion)'?"
                }
                out.append(.error(.unknownStep, message, at: step.step.location))
                continue
            }
            for parameter in signature.parameters where parameter.required && step.argument(named: parameter.name) == nil {
                out.append(.error(.missingParameter,
                                  "step '\(signature.name)' needs parameter '\(parameter.name)' (\(parameter.type))",
                                  at: step.step.location))
            }
            let names = signature.parameters.map(\.name)
            for argument in step.arguments {
                guard let parameter = signature.parameter(named: argument.name.value) else {
                    var message = "step '\(signature.name)' has no parameter '\(argument.name.value)'"
                    if let suggestion = Spelling.closest(to: argument.name.value, in: names) {
                        message += "; did you mean '\(suggestion)'?"
                    }
                    out.append(.error(.unknownParameter, message, at: argument.name.location))
                    continue
                }
                if let literal = argument.value.literalValue, !parameter.type.accepts(literal) {
                    out.append(.error(.parameterType,
                                      "parameter '\(parameter.name)' of '\(signature.name)' expects \(parameter.type), "
                                        + "found \(literal.typeName)",
                                      at: argument.value.location))
                }
            }
        }
        return out
    }
}
