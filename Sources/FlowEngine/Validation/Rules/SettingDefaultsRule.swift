/// S502: a setting's default (and its own `min`/`max`) fits its type and bounds.
struct SettingDefaultsRule: ValidationRule {
    func check(_ flow: Flow, in context: ValidationContext) -> [Diagnostic] {
        var out: [Diagnostic] = []
        for setting in flow.settings {
            for bound in [setting.min, setting.max].compactMap({ $0 }) where SettingDeclaration.magnitude(of: bound.value) == nil {
                out.append(.error(.defaultOutOfBounds,
                                  "a bound of '\(setting.name.value)' must be a number or a duration, found \(bound.value.jsonText)",
                                  at: bound.location))
            }
            switch setting.misfit(of: setting.defaultValue.value) {
            case .type(let message)?, .bounds(let message)?:
                out.append(.error(.defaultOutOfBounds, "default: \(message)", at: setting.defaultValue.location))
            case nil: break
            }
        }
        return out
    }
}
