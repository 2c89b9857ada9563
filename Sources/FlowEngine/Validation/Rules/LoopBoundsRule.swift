/// F116: a for_each has `max_items`; F115: a side-effecting step inside a for_each body has an
/// idempotency key that uses the item, so each item's effect is recorded once.
struct LoopBoundsRule: ValidationRule {
    func check(_ flow: Flow, in context: ValidationContext) -> [Diagnostic] {
        var out: [Diagnostic] = []
        let walk = context.walk(of: flow)
        for walked in walk.states {
            let state = walked.state
            if case .forEach(let loop) = state.kind {
                if loop.maxItems == nil {
                    out.append(.error(.unboundedForEach, "for_each '\(state.name.value)' needs 'max_items'",
                                      at: state.name.location))
                } else if let max = loop.maxItems, max.value < 1 {
                    out.append(.error(.unboundedForEach, "max_items must be 1 or more", at: max.location))
                }
                if let concurrency = loop.concurrency, concurrency.value < 1 {
                    out.append(.error(.invalidValue, "concurrency must be 1 or more", at: concurrency.location))
                }
            }
            let itemNames = walk.visits[walked.visit].itemNames
            guard case .step(let step) = state.kind, !itemNames.isEmpty,
                  let signature = context.catalogue[step.step.value], signature.mayHaveSideEffects(step)
            else { continue }
            let usesItem = step.idempotencyKey?.expressions.contains { expression in
                itemNames.contains { Self.mentions(expression.text, $0) }
            } ?? false
            if !usesItem {
                out.append(.error(.sideEffectInLoop,
                                  "'\(signature.name)' runs once per item: its idempotency_key must use '\(itemNames.last!)'",
                                  at: step.idempotencyKey?.location ?? step.step.location))
            }
        }
        return out
    }

    /// Whether `name` appears in `text` as a whole identifier.
    static func mentions(_ text: String, _ name: String) -> Bool {
        var rest = Substring(text)
        while let range = rest.range(of: name) {
            let before = range.lowerBound == text.startIndex ? nil : text[text.index(before: range.lowerBound)]
            let after = range.upperBound == text.endIndex ? nil : text[range.upperBound]
            let boundary: (Character?) -> Bool = { c in c.map { !($0.isLetter || $0.isNumber || $0 == "_") } ?? true }
            if boundary(before) && (boundary(after) || after == ".") && before != "." { return true }
            rest = text[range.upperBound...]
        }
        return false
    }
}
