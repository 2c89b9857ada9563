extension Flow {
    /// The value a template stands for before the flow runs: its literal value at the template's
    /// location, or, for a template that is exactly `${{ settings.x }}`, the setting's (possibly
    /// overridden) value at that value's location. Nil for any other expression.
    ///
    /// Rules that check a value's range through this see an agency's override too, so a merged
    /// flow that only fails with the override is reported (O406) at the override's value.
    func settledValue(of template: ValueTemplate?) -> Located<Value>? {
        guard let template else { return nil }
        if let value = template.literalValue { return Located(value, at: template.location) }
        guard case .expression(let expression) = template, expression.text.hasPrefix("settings.") else { return nil }
        return setting(named: String(expression.text.dropFirst("settings.".count)))?.defaultValue
    }
}
