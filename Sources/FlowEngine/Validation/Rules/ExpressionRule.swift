/// E3xx: every expression parses and names only what is in scope: `input`, `settings`,
/// `vars` (every saved name), `instance`, `now`, `error`, `event`, and inside a for_each body
/// the item's name.
struct ExpressionRule: ValidationRule {
    static let roots: Set<String> = ["input", "settings", "vars", "instance", "now", "error", "event"]

    func check(_ flow: Flow, in context: ValidationContext) -> [Diagnostic] {
        let settings = Set(flow.settings.map(\.name.value))
        let input = Set(flow.input.map(\.name.value))
        let walk = context.walk(of: flow)
        let vars = walk.varNames
        var out: [Diagnostic] = []
        func scope(_ items: [String]) -> ExpressionScope {
            ExpressionScope(roots: Self.roots.union(items), settings: settings, inputFields: input, vars: vars)
        }
        let flowScope = scope([])
        for trigger in flow.triggers {
            switch trigger {
            case .event(let e):
                [e.key, e.input, e.agency].compactMap { $0 }.forEach { out += ExpressionChecking.check($0, in: flowScope) }
            case .schedule(let s): s.input.map { out += ExpressionChecking.check($0, in: flowScope) }
            }
        }
        for visit in walk.visits {
            let here = scope(visit.itemNames)
            for state in visit.graph.states {
                state.forEachTemplate { out += ExpressionChecking.check($0, in: here) }
            }
        }
        return out.map(Self.settingDiagnostic)
    }

    /// An unknown `settings.x` is reported as S503 (the checker reports every unknown name as E302).
    static func settingDiagnostic(_ diagnostic: Diagnostic) -> Diagnostic {
        guard diagnostic.code == .unknownName, diagnostic.message.hasPrefix("'settings.") else { return diagnostic }
        var recoded = diagnostic
        recoded.code = .unknownSetting
        return recoded
    }
}
