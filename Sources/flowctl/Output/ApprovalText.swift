import FlowEngine
import FlowRuntime

/// `ApprovalDecisions` over whichever store the command opened (`any FlowStore`).
protocol ApprovalDecisionsProtocol: Sendable {
    func approval(id: String, agency: String?) async throws -> ApprovalRecord?
    func list(agency: String?, status: ApprovalRecord.Status?, after: String?, limit: Int) async throws
        -> [ApprovalRecord]
    func decide(
        id: String, outcome: ApprovalDecision.Outcome, by: String?, identity: String?, notes: String?, values: Value?,
        agency: String?, at now: Instant
    ) async throws -> ApprovalDecisionResult
}

extension ApprovalDecisions: ApprovalDecisionsProtocol {}

/// The text shapes of `flowctl approvals list|show`.
enum ApprovalText {
    static func table(_ rows: [ApprovalRecord]) -> String {
        guard !rows.isEmpty else { return "no approvals" }
        let lines = [["ID", "FLOW", "STATE", "KIND", "AGENCY", "STATUS", "EXPIRES AT", "SUMMARY"]] + rows.map {
            [$0.id, $0.flow, $0.state, $0.kind ?? "-", $0.agencyID ?? "-", $0.status.rawValue,
             $0.expiresAt?.iso8601 ?? "-", $0.request["summary"]?.stringValue ?? "-"]
        }
        let widths = (0..<8).map { column in lines.map { $0[column].count }.max() ?? 0 }
        return lines.map { line in
            zip(line, widths).enumerated().map { index, cell in
                index == line.count - 1 ? cell.0 : cell.0.padding(toLength: cell.1, withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }

    static func detail(_ row: ApprovalRecord) -> String {
        var lines = [
            "approval \(row.id) (\(row.status.rawValue))",
            "  instance:   \(row.instanceID) (flow \(row.flow), state \(row.state))",
            "  agency:     \(row.agencyID ?? "-")",
            "  kind:       \(row.kind ?? "-")",
            "  requested:  \(row.requestedAt.iso8601)",
            "  expires:    \(row.expiresAt?.iso8601 ?? "never")",
            "  approvers:  \(row.approvers == .null ? "anyone" : row.approvers.jsonText)",
            "  request:    \(row.request.jsonText)",
        ]
        if row.status != .pending {
            lines.append("  decided:    \(row.decidedAt?.iso8601 ?? "-")" + (row.decidedBy.map { " by \($0)" } ?? ""))
        }
        if let notes = row.notes { lines.append("  notes:      \(notes)") }
        if let values = row.values { lines.append("  values:     \(values.jsonText)") }
        return lines.joined(separator: "\n")
    }
}
