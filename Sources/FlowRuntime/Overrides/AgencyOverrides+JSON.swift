public import FlowEngine

extension AgencyOverridesView {
    /// The overrides in effect as JSON (`GET /agencies/{id}/overrides`, `flowctl overrides show
    /// --format json`): `agency`, `origin` (`stored`, `deploy` or `none`), `revision` (0 when none
    /// is stored), `hash`, `document`, `changed_by`, `changed_at` (null unless stored),
    /// `effective_settings` (flow → setting → value) and `problems`.
    public var json: Value {
        var stored: OverrideRevision?
        if case .stored(let revision) = origin { stored = revision }
        let originName = switch origin {
        case .stored: "stored"
        case .deploy: "deploy"
        case .none: "none"
        }
        return .object([
            "agency": .string(agency), "origin": .string(originName), "revision": .number(Double(revision)),
            "hash": document.map { .string(LoadedFlow.fnv1a64($0)) } ?? .null,
            "document": document.map(Value.string) ?? .null,
            "changed_by": stored.map { .string($0.changedBy) } ?? .null,
            "changed_at": stored.map { .instant($0.changedAt) } ?? .null,
            "effective_settings": .object(effective.mapValues(Value.object)),
            "problems": .array(problems.map(Value.string)),
        ])
    }
}

extension OverridesHistoryEntry {
    /// One change as JSON: `revision`, `hash`, `changed_by`, `changed_at`, `document` and `changes`
    /// (`[{flow, setting, from, to}]`, null where the flow's default applied).
    public var json: Value {
        .object([
            "revision": .number(Double(revision.revision)), "hash": .string(revision.hash),
            "changed_by": .string(revision.changedBy), "changed_at": .instant(revision.changedAt),
            "document": .string(revision.source),
            "changes": .array(changes.map { change in
                ["flow": .string(change.flow), "setting": .string(change.setting),
                 "from": change.from ?? .null, "to": change.to ?? .null]
            }),
        ])
    }
}

extension Diagnostic {
    /// `{file, line, column, severity, code, message}`, as `flowctl validate --format json` prints it.
    public var json: Value {
        .object([
            "file": .string(location.file), "line": .number(Double(location.line)),
            "column": .number(Double(location.column)), "severity": .string(severity.rawValue),
            "code": .string(code.rawValue), "message": .string(message),
        ])
    }
}
