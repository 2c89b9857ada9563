import FlowEngine
import FlowRuntime
import Steps
import Testing

/// An approval's `notify`/`remind` in a dry-run: the notices, reminders and escalation are in the
/// timeline at their declared virtual instants, the fixtures answer the WhatsApp sends, and a
/// decision stops what is left.
@Suite("approval notices in dry-run")
struct ApprovalNoticeDryRunTests {
    static let flow = """
        flow: ask
        version: 1
        input:
          phones: { type: object, required: true }
        start: ask
        states:
          ask:
            approval:
              request: { kind: booking, summary: Book it, amount: 900, currency: USD }
              approvers: [ana, bob]
              expires_in: 4h
              notify:
                - whatsapp: { to: "${{ input.phones }}", content_sid: HX00000000000000000000000000000001 }
              remind:
                at: [50%, 1h]
                escalate: { at: 90%, approvers: [lead] }
              on_approve: done
              on_reject: done
          done:
            succeed: true
        """

    static let input: Value = ["phones": ["ana": "+5491155550001", "bob": "+5491155550002", "lead": "+5491155550003"]]
    static let start = Instant(iso8601: "2026-07-01T10:00:00Z")!

    static func run(decidedAfter: TimeSpan) async throws -> DryRunReport {
        let directory = WorkflowDirectory.load(
            flows: [SourceFile(path: "ask.yaml", text: flow)], agencies: [], catalogue: .standard)
        #expect(directory.diagnostics.isEmpty, "\(directory.diagnostics)")
        let flow = try #require(directory.flows["ask"]?.flow)
        let fixtures = DryRunFixtures(approvals: [
            .init(at: start + decidedAfter, decision: ApprovalDecision(.approve, by: "lead")),
        ])
        return try await DryRun(flow: flow, input: input, settings: [:], agency: nil, fixtures: fixtures, start: start).run()
    }

    @Test("notified at the request, reminded at 50 % and 1h before expiry, escalated at 90 %, then decided")
    func entriesAtTheDeclaredInstants() async throws {
        let report = try await Self.run(decidedAfter: .minutes(230))
        #expect(report.status == "succeeded")
        let approvals = report.history.filter { $0.kind.rawValue.hasPrefix("approval_") }
        #expect(approvals.map(\.kind.rawValue) == [
            "approval_requested", "approval_notified", "approval_reminded", "approval_reminded", "approval_escalated",
            "approval_decided",
        ])
        #expect(approvals.map { $0.at - Self.start } == [
            .seconds(0), .seconds(0), .hours(2), .hours(3), .minutes(216), .minutes(230),
        ])
        #expect(approvals[4].entry.details["added"] == ["lead"])
        #expect(approvals[1].entry.details["calls"] == 2)
        // 2 request notices, 2 + 2 reminders, 1 escalation: each answered by the Twilio fixtures.
        #expect(report.calls["twilio"] == 7)
        let answered = report.history.filter { $0.kind == .stepSucceeded && $0.entry.details["step"] == "approval.notify" }
        #expect(answered.count == 7)
        // The links are in the messages only: never in the timeline.
        #expect(!Value.array(report.history.map(\.timelineValue)).jsonText.contains("/approvals/link/"))
    }

    @Test("a decision before the first reminder leaves only the request's notices")
    func earlyDecisionStopsTheReminders() async throws {
        let report = try await Self.run(decidedAfter: .minutes(30))
        #expect(report.status == "succeeded")
        #expect(report.history.filter { $0.kind == .approvalReminded || $0.kind == .approvalEscalated }.isEmpty)
        #expect(report.calls["twilio"] == 2)
    }
}

/// Signed links: a token verifies once made, and any change to it (the signature, the approval it
/// names, the secret) fails.
@Suite("approval link tokens")
struct ApprovalLinkTokenTests {
    static let links = ApprovalLinks(secret: Secret("a secret of at least thirty-two characters"),
                                     publicURL: "https://flow.example/")

    @Test func aTokenVerifiesAndCarriesItsClaim() throws {
        let claim = ApprovalLinks.Claim(approval: "inst-1:a1", approver: "ana",
                                        expiresAt: Instant(epochMilliseconds: 1_790_000_000_000), nonce: ApprovalLinks.nonce())
        let url = Self.links.url(for: claim)
        #expect(url.hasPrefix("https://flow.example/approvals/link/"))
        let token = String(url.dropFirst("https://flow.example/approvals/link/".count))
        #expect(Self.links.verify(token) == claim)
        #expect(!token.contains("/") && !token.contains("+") && !token.contains("="))
    }

    @Test func anyChangeFails() throws {
        let ana = Self.links.token(for: .init(approval: "inst-1:a1", approver: "ana", expiresAt: nil, nonce: "n1"))
        let other = Self.links.token(for: .init(approval: "inst-2:a1", approver: "ana", expiresAt: nil, nonce: "n1"))
        let (payload, signature) = (ana.split(separator: ".")[0], ana.split(separator: ".")[1])
        let flipped = String(signature.dropLast()) + (signature.last == "A" ? "B" : "A")
        #expect(Self.links.verify("\(payload).\(flipped)") == nil)
        #expect(Self.links.verify("\(other.split(separator: ".")[0]).\(signature)") == nil)
        #expect(Self.links.verify(String(payload)) == nil)
        #expect(Self.links.verify("") == nil)
        let elsewhere = ApprovalLinks(secret: Secret("another secret of thirty-two characters!"), publicURL: "https://x")
        #expect(elsewhere.verify(ana) == nil)
        #expect(ApprovalLinks.nonce() != ApprovalLinks.nonce())
    }
}
