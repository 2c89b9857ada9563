import FlowEngine
import FlowRuntime

/// `AgencyOverridesBook` over whichever store the command opened (`any FlowStore`).
protocol AgencyOverridesCalls: Sendable {
    func current(agency: String) async throws -> AgencyOverridesView
    func change(agency: String, document: String, by author: String, expecting: Int?, at now: Instant) async throws
        -> OverridesChange
    func history(agency: String) async throws -> [OverridesHistoryEntry]
}

extension AgencyOverridesBook: AgencyOverridesCalls {}

/// The text shapes of `flowctl overrides show|history`.
enum OverridesText {
    static func current(_ view: AgencyOverridesView) -> String {
        var lines: [String] = []
        switch view.origin {
        case .stored(let stored):
            lines.append("agency \(view.agency): revision \(stored.revision), changed by \(stored.changedBy) at \(stored.changedAt.iso8601)")
        case .deploy(let file):
            lines.append("agency \(view.agency): the deploy's \(file.path) (no revision stored)")
        case .none:
            lines.append("agency \(view.agency): no overrides (the flows' defaults)")
        }
        for problem in view.problems { lines.append("problem: \(problem)") }
        lines.append("")
        for flow in view.effective.keys.sorted() {
            lines.append("\(flow):")
            for (name, value) in (view.effective[flow] ?? [:]).sorted(by: { $0.key < $1.key }) {
                lines.append("  \(name): \(value.jsonText)")
            }
        }
        if let document = view.document { lines += ["", "--- document", document] }
        return lines.joined(separator: "\n")
    }

    static func history(_ entries: [OverridesHistoryEntry], agency: String) -> String {
        guard !entries.isEmpty else { return "agency \(agency): no changes stored" }
        return entries.map { entry in
            let revision = entry.revision
            var lines = ["revision \(revision.revision)  \(revision.changedAt.iso8601)  by \(revision.changedBy)  hash \(revision.hash)"]
            if entry.changes.isEmpty { lines.append("  (no setting changed)") }
            for change in entry.changes {
                let from = change.from?.jsonText ?? "default", to = change.to?.jsonText ?? "default"
                lines.append("  \(change.flow).\(change.setting): \(from) → \(to)")
            }
            return lines.joined(separator: "\n")
        }.joined(separator: "\n")
    }
}
