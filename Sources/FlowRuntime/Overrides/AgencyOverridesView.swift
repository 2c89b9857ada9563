public import FlowEngine

/// What changing an agency's overrides did.
public enum OverridesChange: Sendable {
    case changed(AgencyOverridesView, warnings: [Diagnostic])
    case unchanged(AgencyOverridesView)
    case invalid([Diagnostic], SourceFile)
    /// The caller's `If-Match` revision is not the current one.
    case stale(current: Int)
}

/// An agency's overrides in effect.
public struct AgencyOverridesView: Sendable {
    public enum Origin: Sendable {
        /// Changed without a deploy: the highest stored revision.
        case stored(OverrideRevision)
        /// The deploy's `workflows/agencies/<id>.yaml`.
        case deploy(SourceFile)
        /// No document: the flows' defaults.
        case none
    }

    public var agency: String
    public var origin: Origin
    /// The settings each flow's next instance starts with, by flow name.
    public var effective: [String: [String: Value]]
    /// Flows whose settings cannot be computed under the document (a deploy changed the flow).
    public var problems: [String]

    /// The revision in effect (0: none stored): what `If-Match` names.
    public var revision: Int {
        if case .stored(let stored) = origin { return stored.revision }
        return 0
    }

    /// The document's text, if there is one.
    public var document: String? {
        switch origin {
        case .stored(let stored): stored.source
        case .deploy(let file): file.text
        case .none: nil
        }
    }
}
