import FlowEngine
import FlowRuntime
import Testing

/// The timeline's stored form on every store: an entry of each kind reads back as the same typed
/// entry (through instance creation and through a commit), and a row whose kind this build does
/// not know (written by another build) still reads, keeping its name and details.
enum TimelineChecks {
    typealias F = StoreFixtures

    static let error = FlowError(.transient, code: "http.503", message: "busy")

    /// One entry of each kind Flow writes, as its producer builds it.
    static let entries: [TimelineEntry] = [
        .stateEntered(state: "poll"),
        .decided(state: "route", branch: 0, next: "send", conditions: [(when: "vars.late", held: true)],
                 trace: ExpressionTrace(.expression(ExpressionSource("vars.late", at: SourceLocation(file: "f", line: 1, column: 1))),
                                        in: EvaluationContext(bindings: ["vars": ["late": true]])),
                 reason: "`vars.late` held → send"),
        .stepCalled(state: "poll", step: "aeroapi.flight", attempt: 1, callID: "i/c1", input: ["ident": "BA245"])
            .inFrame("root/b1"),
        .stepSucceeded(state: "poll", step: "aeroapi.flight", attempt: 1, output: ["gate": "B3", "at": .instant(F.t0)]),
        .stepFailed(state: "poll", step: "aeroapi.flight", attempt: 1, error: error),
        .retryScheduled(state: "poll", step: "aeroapi.flight", attempt: 2, at: F.t0 + .seconds(30), timer: "i/t1"),
        .stepPaused(state: "poll", step: "aeroapi.flight", attempt: 3,
                    error: FlowError(.transient, code: "http.503", message: "unavailable")),
        .resumed(state: "poll", step: "aeroapi.flight", action: .fail, by: "ops", note: nil),
        .timerSet(state: "await_answer", at: F.t0, timer: "i/t2", waitingFor: "plan.answer"),
        .deferred(state: "wait", from: F.t0, to: F.t0 + .hours(8), zone: "Europe/Madrid", fromLocal: "23:00",
                  toLocal: "07:00", reason: "quiet hours"),
        .caught(state: "poll", error: error, next: "give_up"),
        .approvalRequested(state: "review", approval: "i/a1", request: ["kind": "booking"], expiresAt: nil),
        .approvalNotice(.approvalNotified, state: "review", approval: "i/a1", approvers: ["ana", "bob"],
                        channels: ["whatsapp", "webhook"], calls: 4),
        .approvalNotice(.approvalReminded, state: "review", approval: "i/a1", approvers: ["ana", "bob"],
                        channels: ["whatsapp"], calls: 2, number: 1),
        .approvalNotice(.approvalEscalated, state: "review", approval: "i/a1", approvers: ["ana", "bob", "lead"],
                        channels: ["whatsapp"], calls: 1, added: ["lead"]),
        .approvalDecided(approval: "i/a1", decision: ["decision": "approve", "by": "ana", "at": .instant(F.t0)]),
        .eventReceived(name: "plan.answer", key: "k1", payload: ["ok": true], deliveredTo: []),
        .eventMatched(name: "plan.answer"),
        .waitTimedOut(state: "await_answer", waitingFor: "plan.answer"),
        .branchCancelled(frame: "root/b1", state: "poll"),
        .succeeded(output: ["ok": true]),
        .ignored(reason: "timer i/t9 is not pending"),
        .messageSent(result: ["type": "DELAYED", "status": "sent", "sid": "SM1"],
                     localTime: "2026-07-08T12:00:00+02:00", deferredFrom: .null),
        .duplicate(result: ["type": "DELAYED", "status": "duplicate"], localTime: nil, deferredFrom: .null),
        .suppressed(result: ["type": "DELAYED", "status": "suppressed", "reason": "cap"], localTime: nil,
                    deferredFrom: .instant(F.t0)),
        .alert(code: "EFFECT_IN_DOUBT", message: "not repeated", key: "i/c1#twilio.send_template"),
        .effectInDoubt(step: "twilio.send_template", key: "i/c1#twilio.send_template", policy: "lookup",
                       resolution: "found at provider"),
        .modelUsage(state: "intake", step: "openai.chat", callID: "i/c3", model: "gpt-4o-mini-2024-07-18",
                    promptTokens: 42, completionTokens: 7, totalTokens: 49, cost: 0.0000105),
        .modelUsage(state: "intake", step: "openai.chat", callID: "i/c4", model: "o3-mini", promptTokens: 42,
                    completionTokens: 7, totalTokens: 49, cost: nil, reason: "no price for model o3-mini"),
        .feedback(["job_id": "i-1", "rating": 4, "improvement_areas": ["flight_times"]]),
    ]

    static func everyKindRoundTrips(_ harness: FlowStoreHarness) async throws {
        try await harness.withStore { store in
            #expect(Set(entries.map(\.kind)) == Set(TimelineEntry.Kind.allCases))
            let created = try await F.create(
                F.instance(wakeAt: F.t0), in: store, history: entries.map { HistoryEntry(at: F.t0, $0) })
            let now = F.t0 + .seconds(1)
            _ = try await store.claimDue(now: now, owner: "A", leaseFor: .seconds(30), limit: 1)
            try await store.commit(
                TransitionRecord(
                    instanceID: created.id, status: .waiting, state: "{}", wakeAt: now + .hours(1),
                    history: entries.map { HistoryEntry(at: now, $0) }, at: now),
                owner: "A")
            let read = try await store.history(instanceID: created.id, after: 0)
            #expect(read.map(\.entry) == entries + entries)
            #expect(read.map(\.kind.rawValue) == (entries + entries).map(\.kind.rawValue))
            for entry in read {
                if case .other(let name) = entry.kind { Issue.record("\(name) read back as an unknown kind") }
            }
        }
    }

    static func unknownKindReads(_ harness: FlowStoreHarness) async throws {
        try await harness.withStore { store in
            let details: Value = ["n": 1, "at": .instant(F.t0), "text": "kept"]
            let created = try await F.create(
                F.instance(), in: store, history: [F.entry("flight_rebooked", details), F.entry("state_entered")])
            let read = try await store.history(instanceID: created.id, after: 0)
            #expect(read.map(\.kind) == [.other("flight_rebooked"), .stateEntered])
            guard case .other(let name)? = read.first?.kind else {
                Issue.record("flight_rebooked did not read as an unknown kind")
                return
            }
            #expect(name == "flight_rebooked")
            #expect(read.first?.entry.storedDetails == details)
        }
    }
}
