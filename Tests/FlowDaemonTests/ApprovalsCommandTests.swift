import FlowEngine
import FlowRuntime
import Foundation
import Testing
import Travel

/// `flowctl approvals list|show|approve|reject` over a SQLite file: an instance of a flow that
/// starts in an approval (recorded by `InstanceStarter`) is listed, shown and decided once.
@Suite("flowctl approvals")
struct ApprovalsCommandTests {
    static let refund = """
        flow: refund
        version: 1
        start: approve_refund
        states:
          approve_refund:
            approval:
              request:
                kind: refund
                summary: "Refund 120 USD"
                amount: 120
                currency: USD
              approvers: [ops@agency.example]
              expires_in: 48h
              on_approve: done
              on_reject: refused
              save: decision
          done:
            succeed: true
          refused:
            fail: { error: refused, message: "the refund was refused" }
        """

    @Test("list, show, approve once with values; a second decision, a stranger and an unknown id exit 64")
    func decideOverSQLiteFile() async throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("flow-approvals-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let database = (directory as NSString).appendingPathComponent("flow.sqlite")
        let values = (directory as NSString).appendingPathComponent("values.yaml")
        try "amount: 100\n".write(toFile: values, atomically: true, encoding: .utf8)
        let registry = DefinitionRegistry(directory: WorkflowDirectory.load(
            flows: [SourceFile(path: "refund.yaml", text: Self.refund)], agencies: [], catalogue: .standard))
        #expect(registry.flowNames == ["refund"], "\(registry.directory.diagnostics)")
        let store = try await SQLiteFlowStore.open(.file(path: database), adding: TravelSchema.schema)
        let started = try await InstanceStarter(store: store, registry: registry).start(
            flow: "refund", input: [:], agency: "acme", idempotencyKey: nil,
            at: InstanceWorker<InMemoryFlowStore>.wallClock())
        guard case .created(let instance) = started else { Issue.record("not created"); return }
        try await store.close()
        let id = ApprovalRecord.id(instanceID: instance.id, approvalID: "a1")
        let url = "sqlite://" + database
        func flowctl(_ arguments: [String]) async throws -> (status: Int32, output: String) {
            try await StartAgencyTests.flowctl(["approvals"] + arguments + ["--database", url])
        }

        let listed = try await flowctl(["list", "--agency", "acme", "--format", "json"])
        #expect(listed.status == 0, "\(listed.output)")
        #expect(listed.output.contains("\"id\":\"\(id)\"") && listed.output.contains("\"kind\":\"refund\""),
                "\(listed.output)")
        #expect(try await flowctl(["list", "--agency", "cumbre"]).output.contains("no approvals"))
        let shown = try await flowctl(["show", id])
        #expect(shown.status == 0 && shown.output.contains("approvers:  [\"ops@agency.example\"]"), "\(shown.output)")

        let stranger = try await flowctl(["approve", id, "--by", "eve@elsewhere.example"])
        #expect(stranger.status == 64 && stranger.output.contains("not among the approvers"), "\(stranger.output)")
        let foreign = try await flowctl(["approve", id, "--by", "ops@agency.example", "--agency", "cumbre"])
        #expect(foreign.status == 64 && foreign.output.contains("no such approval"), "\(foreign.output)")
        let approved = try await flowctl(
            ["approve", id, "--by", "ops@agency.example", "--notes", "ok", "--values", values, "--agency", "acme"])
        #expect(approved.status == 0 && approved.output.contains("approved by ops@agency.example"),
                "\(approved.output)")
        let again = try await flowctl(["reject", id, "--by", "ops@agency.example"])
        #expect(again.status == 64 && again.output.contains("already approved"), "\(again.output)")
        let unknown = try await flowctl(["approve", "nope:a1", "--by", "ops@agency.example"])
        #expect(unknown.status == 64 && unknown.output.contains("no such approval"), "\(unknown.output)")

        let reopened = try await SQLiteFlowStore.open(.file(path: database), adding: TravelSchema.schema)
        let row = try await reopened.approval(id: id)
        #expect(row?.status == .approved && row?.decidedBy == "ops@agency.example" && row?.notes == "ok")
        #expect(row?.values == ["amount": 100])
        let inbox = try await reopened.inbox(instanceID: instance.id)
        #expect(inbox.map(\.kind) == ["approval"] && inbox.first?.payload["outcome"] == "approve")
        #expect(inbox.first?.payload["id"] == .string("\(instance.id)/a1"))
        try await reopened.close()
    }
}
