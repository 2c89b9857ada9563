import Testing

@testable import FlowEngine

/// An approval's `notify` and `remind`: what the loader and the validator accept, the timers the
/// interpreter sets (reminders and escalation at their instants), the notice calls it asks for, and
/// what a decision clears.
@Suite("approval notify and remind")
struct ApprovalNoticeTests {
    static let flow = """
        flow: ask
        version: 1
        input:
          phones: { type: object, required: true }
        start: ask
        states:
          ask:
            approval:
              request: { kind: booking, summary: Book it }
              approvers: [ana, bob]
              expires_in: 4h
              notify:
                - whatsapp: { to: "${{ input.phones }}", content_sid: HX00000000000000000000000000000001 }
                - webhook: { url: "https://ops.example/hooks/approvals", credential: OPS }
              remind:
                at: [50%, 1h]
                escalate: { at: 90%, approvers: [lead, ana] }
              on_approve: done
              on_reject: done
          done:
            succeed: true
        """

    static func load(_ text: String) -> WorkflowDirectory {
        WorkflowDirectory.load(flows: [SourceFile(path: "ask.yaml", text: text)], agencies: [], catalogue: .standard)
    }

    static let phones: Value = ["ana": "+5491155550001", "bob": "+5491155550002", "lead": "+5491155550003"]

    @Test func loadsAndValidates() throws {
        let directory = Self.load(Self.flow)
        #expect(directory.diagnostics.isEmpty, "\(directory.diagnostics)")
        let flow = try #require(directory.flows["ask"]?.flow)
        guard case .approval(let approval)? = flow.graph.state(named: "ask")?.kind else {
            Issue.record("not an approval")
            return
        }
        #expect(approval.notify.map(\.channel.name) == ["whatsapp", "webhook"])
        #expect(approval.remind?.at.map(\.value) == [.percent(50), .beforeExpiry(.hours(1))])
        #expect(approval.remind?.escalate?.at.value == .percent(90))
    }

    @Test(arguments: [
        ("[0%]", "strictly between"), ("[100%]", "strictly between"), ("[soon]", "not a reminder point"),
        ("[0s]", "strictly between"),
    ])
    func refusesReminderPoints(_ points: String, _ message: String) {
        let text = Self.flow.replacingOccurrences(of: "at: [50%, 1h]", with: "at: \(points)")
        let diagnostics = Self.load(text).diagnostics
        #expect(diagnostics.contains { $0.code == .invalidApprovalNotice && $0.message.contains(message) }, "\(diagnostics)")
    }

    @Test func refusesWhatANoticeCannotUse() {
        let noExpiry = Self.load(Self.flow.replacingOccurrences(of: "      expires_in: 4h\n", with: "")).diagnostics
        #expect(noExpiry.contains { $0.code == .invalidApprovalNotice && $0.message.contains("no 'expires_in'") })
        let badSid = Self.load(Self.flow.replacingOccurrences(of: "HX00000000000000000000000000000001", with: "HX1"))
        #expect(badSid.diagnostics.contains { $0.code == .invalidApprovalNotice && $0.message.contains("Content SID") })
        let unknown = Self.load(Self.flow.replacingOccurrences(of: "credential: OPS", with: "secret: OPS"))
        #expect(unknown.diagnostics.contains { $0.code == .unknownKey })
        let typo = Self.load(Self.flow.replacingOccurrences(of: "input.phones", with: "input.phone"))
        #expect(typo.diagnostics.contains { $0.code.rawValue.hasPrefix("E") }, "notify's expressions are checked")
    }

    @Test func remindersAndEscalationFireAtTheirInstantsAndADecisionClearsThem() throws {
        let flow = try #require(Self.load(Self.flow).flows["ask"]?.flow)
        let interpreter = Interpreter(flow: flow)
        let t0 = Instant.at("2026-07-01T10:00:00Z")
        let first = interpreter.start(instanceID: "i", input: ["phones": Self.phones], settings: [:], agency: nil, at: t0)
        // Expiry, reminders at 2h (50 %) and 3h (1h before), escalation at 3h36m (90 %).
        let timers = first.actions.compactMap { if case .setTimer(_, let at) = $0 { at } else { nil } }.sorted()
        #expect(timers == [t0 + .hours(2), t0 + .hours(3), t0 + .minutes(216), t0 + .hours(4)])
        // Two WhatsApp notices (ana, bob) and two webhook notices, each under its own key.
        let calls = first.actions.compactMap { if case .callStep(let call) = $0 { call } else { nil } }
        #expect(calls.map(\.step) == Array(repeating: "approval.notify", count: 4))
        #expect(calls.map { $0.idempotencyKey ?? "" } == [
            "i/a1/request0/0/ana", "i/a1/request0/0/bob", "i/a1/request0/1/ana", "i/a1/request0/1/bob",
        ])
        #expect(calls.first?.arguments["to"] == "+5491155550001")
        #expect(first.state.status == .running)
        #expect(first.actions.contains { if case .emit(let e) = $0 { e.kind == .approvalNotified } else { false } })

        // The answers only add to the timeline; the reminder timer then sends to both again.
        var state = first.state
        for call in calls {
            state = interpreter.apply(.stepSucceeded(callID: call.callID, output: ["sid": "SM1"]), to: state, at: t0).state
        }
        #expect(state.status == .waiting)
        #expect(state.approvalNotices?.calls.isEmpty == true)
        let reminderTimer = try #require(state.timers.first { $0.value == t0 + .hours(2) }?.key)
        let reminded = interpreter.apply(.timerFired(id: reminderTimer), to: state, at: t0 + .hours(2))
        let remindedEntry = reminded.actions.compactMap { if case .emit(let e) = $0, e.kind == .approvalReminded { e } else { nil } }
        #expect(remindedEntry.first?.details["number"] == 1)
        #expect(reminded.actions.filter { if case .callStep = $0 { true } else { false } }.count == 4)
        state = reminded.state

        // The escalation adds lead (ana is already an approver) and sends to lead only.
        let escalationTimer = try #require(state.timers.first { $0.value == t0 + .minutes(216) }?.key)
        let escalated = interpreter.apply(.timerFired(id: escalationTimer), to: state, at: t0 + .minutes(216))
        #expect(escalated.actions.contains {
            if case .escalateApproval("i/a1", let approvers) = $0 { approvers == ["ana", "bob", "lead"] } else { false }
        })
        let escalationCalls = escalated.actions.compactMap { if case .callStep(let call) = $0 { call } else { nil } }
        #expect(escalationCalls.map { $0.arguments["approver"] } == ["lead", "lead"])
        state = escalated.state

        // A decision cancels what is left (the 1h-before reminder) and the expiry.
        let decided = interpreter.apply(.approvalDecided(id: "i/a1", decision: ApprovalDecision(.approve, by: "lead")),
                                        to: state, at: t0 + .minutes(220))
        let cancelled = decided.actions.compactMap { if case .cancelTimer(let id) = $0 { id } else { nil } }
        #expect(cancelled.count == 2)
        #expect(decided.state.timers.isEmpty)
        #expect(decided.state.status == .running || decided.state.status == .succeeded)
    }

    @Test func noNumbersMeansNoWhatsAppNoticeNotAFailure() throws {
        let flow = try #require(Self.load(Self.flow).flows["ask"]?.flow)
        let first = Interpreter(flow: flow).start(
            instanceID: "i", input: ["phones": .null], settings: [:], agency: nil, at: .at("2026-07-01T10:00:00Z"))
        let calls = first.actions.compactMap { if case .callStep(let call) = $0 { call } else { nil } }
        #expect(calls.map { $0.arguments["channel"] } == ["webhook", "webhook"])
        #expect(first.state.status == .running)
    }

    @Test func aDecisionBeforeTheRemindersLeavesNoTimerAndTheBookSurvivesStorage() throws {
        let flow = try #require(Self.load(Self.flow).flows["ask"]?.flow)
        let interpreter = Interpreter(flow: flow)
        let t0 = Instant.at("2026-07-01T10:00:00Z")
        let first = interpreter.start(instanceID: "i", input: ["phones": Self.phones], settings: [:], agency: nil, at: t0)
        // The book (pending approval, reminders, calls in flight) is stored and read back unchanged.
        let text = try first.state.storedJSON()
        #expect(try InstanceState(storedJSON: text) == first.state)
        #expect(StepInvocation.outstanding(in: first.state, flow: flow).count == 4)
        let decided = interpreter.apply(.approvalDecided(id: "i/a1", decision: ApprovalDecision(.reject, by: "ana")),
                                        to: first.state, at: t0 + .minutes(5))
        #expect(decided.state.timers.isEmpty)
        #expect(decided.state.approvalNotices?.reminders.isEmpty ?? true)
        #expect(decided.state.approvalNotices?.pending.isEmpty ?? true)
    }

    @Test func aTransientFailureIsTriedAgainWithTheSameKeyAPermanentOneIsNot() throws {
        let flow = try #require(Self.load(Self.flow).flows["ask"]?.flow)
        let interpreter = Interpreter(flow: flow)
        let t0 = Instant.at("2026-07-01T10:00:00Z")
        let first = interpreter.start(instanceID: "i", input: ["phones": Self.phones], settings: [:], agency: nil, at: t0)
        let calls = first.actions.compactMap { if case .callStep(let call) = $0 { call } else { nil } }
        var state = first.state
        let busy = StepError(.transient, code: "twilio.20429", message: "busy")
        let failed = interpreter.apply(.stepFailed(callID: calls[0].callID, error: busy), to: state, at: t0)
        let retryAt = failed.actions.compactMap { if case .setTimer(let id, let at) = $0 { (id, at) } else { nil } }
        #expect(retryAt.map(\.1) == [t0 + .seconds(30)])
        state = failed.state
        state = interpreter.apply(.stepFailed(callID: calls[1].callID, error: StepError(.permanent, message: "no")),
                                  to: state, at: t0).state
        #expect(state.approvalNotices?.retries.count == 1)
        // The retry: attempt 2 of the same notice, under the same key; stored and read back unchanged.
        #expect(try InstanceState(storedJSON: try state.storedJSON()) == state)
        let timer = try #require(retryAt.first?.0)
        let retried = interpreter.apply(.timerFired(id: timer), to: state, at: t0 + .seconds(30))
        let again = retried.actions.compactMap { if case .callStep(let call) = $0 { call } else { nil } }
        #expect(again.map(\.attempt) == [2])
        #expect(again.first?.idempotencyKey == calls[0].idempotencyKey)
        #expect(again.first?.arguments == calls[0].arguments)
        // A decision while a retry waits cancels it.
        let waiting = interpreter.apply(.stepFailed(callID: again[0].callID, error: busy), to: retried.state,
                                        at: t0 + .seconds(30))
        #expect(waiting.state.approvalNotices?.retries.count == 1)
        let decided = interpreter.apply(.approvalDecided(id: "i/a1", decision: ApprovalDecision(.approve, by: "ana")),
                                        to: waiting.state, at: t0 + .seconds(40))
        #expect(decided.state.timers.isEmpty)
        #expect(decided.state.approvalNotices?.retries.isEmpty ?? true)
    }
}
