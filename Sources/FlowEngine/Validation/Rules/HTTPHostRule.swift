/// F120: an `http.request` whose URL names its host literally calls a host of the allow-list.
///
/// Judged only when the catalogue carries an allow-list (`flowctl serve`, or `flowctl validate
/// --allow-hosts`/`FLOW_HTTP_ALLOW_HOSTS`). A URL whose host comes from an expression is checked by
/// the step at run time (`http.host_not_allowed`, permanent).
struct HTTPHostRule: ValidationRule {
    static let step = "http.request"

    func check(_ flow: Flow, in context: ValidationContext) -> [Diagnostic] {
        guard let allowed = context.catalogue.allowedHosts else { return [] }
        var out: [Diagnostic] = []
        for walked in context.walk(of: flow).states {
            guard case .step(let step) = walked.state.kind, step.step.value == Self.step,
                  let url = step.argument(named: "url")?.value,
                  let literal = Self.literalStart(of: url),
                  case .success(let authority)? = URLAuthority.parse(literal.text, complete: literal.complete),
                  !allowed.allows(authority)
            else { continue }
            out.append(.error(.hostNotAllowed,
                              "host '\(authority)' is not in the allow-list (FLOW_HTTP_ALLOW_HOSTS: \(allowed))",
                              at: url.location))
        }
        return out
    }

    /// The URL's text as far as it is literal, and whether that is all of it.
    static func literalStart(of template: ValueTemplate) -> (text: String, complete: Bool)? {
        switch template {
        case .literal(let value, _): value.stringValue.map { ($0, true) }
        case .interpolation(let parts, _):
            if case .text(let text)? = parts.first { (text, false) } else { nil }
        default: nil
        }
    }
}
