/// Checks an agency's overrides against the flows' settings (O401–O405), then validates each
/// flow with the overrides applied (O406).
public enum OverrideValidation {
    /// Every problem with the overrides.
    /// - Parameters:
    ///   - overrides: one agency's document.
    ///   - flows: the flows of the workflow directory, by name.
    ///   - validator: the validator run on each merged flow.
    public static func check(
        _ overrides: AgencyOverrides, flows: [String: Flow], validator: FlowValidator
    ) -> [Diagnostic] {
        var out: [Diagnostic] = []
        for flowOverride in overrides.flows {
            guard let flow = flows[flowOverride.flow.value] else {
                var message = "agency '\(overrides.agency.value)' overrides unknown flow '\(flowOverride.flow.value)'"
                if let suggestion = Spelling.closest(to: flowOverride.flow.value, in: flows.keys.sorted()) {
                    message += "; did you mean '\(suggestion)'?"
                }
                out.append(.error(.overrideUnknownFlow, message, at: flowOverride.flow.location))
                continue
            }
            var valid: [AgencyOverrides.SettingOverride] = []
            for setting in flowOverride.settings {
                if let problem = problem(with: setting, in: flow) { out.append(problem) } else { valid.append(setting) }
            }
            guard !valid.isEmpty else { continue }
            let merged = flow.applying(valid)
            let before = Set(validator.validate(flow).filter { $0.severity == .error }.map(\.message))
            for diagnostic in validator.validate(merged) where diagnostic.severity == .error && !before.contains(diagnostic.message) {
                let culprit = valid.first { diagnostic.location == $0.value.location } ?? valid[0]
                out.append(.error(.overrideInvalidMerged,
                                  "with agency '\(overrides.agency.value)' applied, '\(flow.name.value)' is invalid: "
                                    + "\(diagnostic.code.rawValue) \(diagnostic.message) (at \(diagnostic.location))",
                                  at: culprit.value.location))
            }
        }
        return out
    }

    /// O402–O405 for one setting override, or nil when it fits.
    static func problem(with setting: AgencyOverrides.SettingOverride, in flow: Flow) -> Diagnostic? {
        guard let declaration = flow.setting(named: setting.name.value) else {
            var message = "flow '\(flow.name.value)' declares no setting '\(setting.name.value)'"
            if let suggestion = Spelling.closest(to: setting.name.value, in: flow.settings.map(\.name.value)) {
                message += "; did you mean '\(suggestion)'?"
            }
            return .error(.overrideUnknownSetting, message, at: setting.name.location)
        }
        guard declaration.overridable else {
            return .error(.overrideNotOverridable,
                          "setting '\(setting.name.value)' of '\(flow.name.value)' is not overridable",
                          at: setting.name.location)
        }
        switch declaration.misfit(of: setting.value.value) {
        case .type(let message)?: return .error(.overrideType, message, at: setting.value.location)
        case .bounds(let message)?: return .error(.overrideOutOfBounds, message, at: setting.value.location)
        case nil: return nil
        }
    }
}

extension Flow {
    /// The flow with these settings' defaults replaced by the given values (the effective flow).
    public func applying(_ overrides: [AgencyOverrides.SettingOverride]) -> Flow {
        var flow = self
        for override in overrides {
            guard let index = flow.settings.firstIndex(where: { $0.name.value == override.name.value }) else { continue }
            flow.settings[index].defaultValue = override.value
        }
        return flow
    }
}
