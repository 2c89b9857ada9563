import Foundation
import Testing

@testable import FlowEngine

/// The keys an approval's `request` may have: `version` and `details` besides kind, summary, amount, currency, items.
struct ApprovalRequestKeysTests {
    static func document(request: String) -> String {
        """
        flow: demo
        version: 1
        start: ask
        states:
          ask:
            approval:
              request: \(request)
              expires_in: 48h
              on_approve: done
              on_reject: done
          done:
            succeed: true
        """
    }

    @Test("version and details are request keys, kept for evaluation")
    func versionAndDetails() throws {
        let text = Self.document(request: """
            { kind: booking, summary: Plan, amount: 10, currency: USD, items: [], version: 3, details: { plan_id: p/v3 } }
            """)
        let (flow, diagnostics) = FlowLoader.load(SourceFile(path: "t.yaml", text: text))
        #expect(diagnostics.isEmpty, "\(diagnostics)")
        let state = try #require(flow?.graph.state(named: "ask"))
        guard case .approval(let approval) = state.kind else { Issue.record("not an approval"); return }
        let keys: Set<String>
        switch approval.request {
        case .object(let members, _): keys = Set(members.map(\.key.value))
        case .literal(let value, _): keys = Set(value.objectValue?.keys.map { $0 } ?? [])
        default: keys = []
        }
        #expect(keys == Set(ApprovalState.requestKeys))
    }

    @Test("another key is Y004 at the key")
    func unknownKey() {
        let (_, diagnostics) = FlowLoader.load(SourceFile(path: "t.yaml", text: Self.document(request: """
            { kind: booking, plan: 3 }
            """)))
        #expect(diagnostics.map(\.code.rawValue) == ["Y004"])
        #expect(diagnostics.first?.message.contains("unknown key 'plan' in request") == true)
    }
}
