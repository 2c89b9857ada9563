/// Y006 on a trigger: `records:` names a recorder the catalogue knows.
struct TriggerRecordsRule: ValidationRule {
    func check(_ flow: Flow, in context: ValidationContext) -> [Diagnostic] {
        var out: [Diagnostic] = []
        for case .event(let trigger) in flow.triggers {
            guard let records = trigger.records, !context.catalogue.recorders.contains(records.value) else { continue }
            let known = context.catalogue.recorders.sorted()
            var message = "unknown recorder '\(records.value)' in 'records:' (known: "
                + (known.isEmpty ? "none" : known.joined(separator: ", ")) + ")"
            if let suggestion = Spelling.closest(to: records.value, in: known) { message += "; did you mean '\(suggestion)'?" }
            out.append(.error(.invalidValue, message, at: records.location))
        }
        return out
    }
}
