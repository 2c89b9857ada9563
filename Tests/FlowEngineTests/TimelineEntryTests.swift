import FlowEngine
import Foundation
import Testing

/// Every timeline kind through its stored form (`instance_events.kind` + `details` JSON), which
/// must stay what the string-typed notes wrote (no migration), and unknown stored kinds.
@Suite struct TimelineEntryTests {
    /// An entry as its producer builds it, with the kind name and details JSON the store writes.
    struct Sample: Sendable, CustomTestStringConvertible {
        var entry: TimelineEntry
        var kind: String
        var details: String

        var testDescription: String { "\(kind) \(details)" }
    }

    static let at = Instant(iso8601: "2026-07-08T10:00:00Z")!
    static let here = SourceLocation(file: "flow.yaml", line: 1, column: 1)
    static let error = FlowError(.transient, code: "http.503", message: "busy")
    static let errorJSON = #"{"class":"transient","code":"http.503","message":"busy"}"#
    static let atJSON = #"{"$instant":"2026-07-08T10:00:00Z"}"#
    static let sent: [String: Value] = [
        "type": "DELAYED", "key": "DELAYED", "to": "+34600000001", "template": "flight_delayed",
        "variables": ["1": "BA245"], "status": "sent", "sid": "SM1",
    ]

    static let samples: [Sample] = [
        Sample(entry: .stateEntered(state: "poll"), kind: "state_entered", details: #"{"state":"poll"}"#),
        Sample(entry: .stateEntered(state: "poll").inFrame("root/b1"), kind: "state_entered",
               details: #"{"frame":"root/b1","state":"poll"}"#),
        Sample(entry: .decided(state: "gate_gate", branch: nil, next: "remember",
                               conditions: [(when: "vars.gate != null", held: false)],
                               trace: ExpressionTrace(.expression(ExpressionSource("vars.gate != null", at: here)),
                                                      in: EvaluationContext(bindings: ["vars": ["gate": nil]])),
                               reason: "no condition held"),
               kind: "decided",
               details: #"{"branch":"default","comparisons":[],"conditions":[{"held":false,"when":"vars.gate != null"}],"#
                   + #""next":"remember","reason":"no condition held","state":"gate_gate","values":{"vars.gate":null}}"#),
        Sample(entry: .stepCalled(state: "poll", step: "aeroapi.flight", attempt: 1, callID: "i/c1",
                                  input: ["ident": "BA245"]),
               kind: "step_called",
               details: #"{"attempt":1,"call_id":"i/c1","input":{"ident":"BA245"},"state":"poll","step":"aeroapi.flight"}"#),
        Sample(entry: .stepSucceeded(state: "poll", step: "aeroapi.flight", attempt: 2, output: ["gate": "B3"]),
               kind: "step_succeeded", details: #"{"attempt":2,"output":{"gate":"B3"},"state":"poll","step":"aeroapi.flight"}"#),
        Sample(entry: .stepFailed(state: "poll", step: "aeroapi.flight", attempt: 1, error: error), kind: "step_failed",
               details: #"{"attempt":1,"error":"# + errorJSON + #","state":"poll","step":"aeroapi.flight"}"#),
        Sample(entry: .retryScheduled(state: "poll", step: "aeroapi.flight", attempt: 2, at: at, timer: "i/t1"),
               kind: "retry_scheduled",
               details: #"{"at":"# + atJSON + #","attempt":2,"state":"poll","step":"aeroapi.flight","timer":"i/t1"}"#),
        Sample(entry: .stepPaused(state: "poll", step: "aeroapi.flight", attempt: 3, error: error), kind: "step_paused",
               details: #"{"attempt":3,"error":"# + errorJSON + #","state":"poll","step":"aeroapi.flight"}"#),
        Sample(entry: .resumed(state: "poll", step: "aeroapi.flight", action: .retry, by: "ops", note: "back up"),
               kind: "resumed",
               details: #"{"action":"retry","by":"ops","note":"back up","state":"poll","step":"aeroapi.flight"}"#),
        Sample(entry: .timerSet(state: "wait_reminder", at: at, timer: "i/t2"), kind: "timer_set",
               details: #"{"at":"# + atJSON + #","state":"wait_reminder","timer":"i/t2"}"#),
        Sample(entry: .timerSet(state: "await_answer", at: at, timer: "i/t3", waitingFor: "plan.answer"),
               kind: "timer_set",
               details: #"{"at":"# + atJSON + #","state":"await_answer","timer":"i/t3","waiting_for":"plan.answer"}"#),
        Sample(entry: .deferred(state: "wait_reminder", from: at, to: at + .hours(1), zone: "Europe/Madrid",
                                fromLocal: "2026-07-08T12:00:00+02:00", toLocal: "2026-07-08T13:00:00+02:00",
                                reason: "quiet hours"),
               kind: "deferred",
               details: #"{"from":"# + atJSON + #","from_local":"2026-07-08T12:00:00+02:00","reason":"quiet hours","#
                   + #""state":"wait_reminder","to":{"$instant":"2026-07-08T11:00:00Z"},"#
                   + #""to_local":"2026-07-08T13:00:00+02:00","zone":"Europe/Madrid"}"#),
        Sample(entry: .caught(state: "poll", error: error, next: "give_up"), kind: "caught",
               details: #"{"error":"# + errorJSON + #","next":"give_up","state":"poll"}"#),
        Sample(entry: .approvalRequested(state: "review", approval: "i/a1", request: ["kind": "booking"], expiresAt: nil),
               kind: "approval_requested",
               details: #"{"approval":"i/a1","expires_at":null,"request":{"kind":"booking"},"state":"review"}"#),
        Sample(entry: .approvalDecided(approval: "i/a1", decision: ["decision": "approve", "by": "ana", "notes": nil]),
               kind: "approval_decided",
               details: #"{"approval":"i/a1","decision":{"by":"ana","decision":"approve","notes":null}}"#),
        Sample(entry: .approvalNotice(.approvalNotified, state: "review", approval: "i/a1", approvers: ["ana", "bob"],
                                      channels: ["whatsapp"], calls: 2),
               kind: "approval_notified",
               details: #"{"approval":"i/a1","approvers":["ana","bob"],"calls":2,"channels":["whatsapp"],"state":"review"}"#),
        Sample(entry: .approvalNotice(.approvalReminded, state: "review", approval: "i/a1", approvers: ["ana"],
                                      channels: ["webhook"], calls: 1, number: 2),
               kind: "approval_reminded",
               details: #"{"approval":"i/a1","approvers":["ana"],"calls":1,"channels":["webhook"],"number":2,"state":"review"}"#),
        Sample(entry: .approvalNotice(.approvalEscalated, state: "review", approval: "i/a1", approvers: ["ana", "lead"],
                                      channels: ["whatsapp"], calls: 1, added: ["lead"]),
               kind: "approval_escalated",
               details: #"{"added":["lead"],"approval":"i/a1","approvers":["ana","lead"],"calls":1,"channels":["whatsapp"],"state":"review"}"#),
        Sample(entry: .eventReceived(name: "plan.answer", key: nil, payload: ["ok": true], deliveredTo: ["root"]),
               kind: "event_received",
               details: #"{"delivered_to":["root"],"key":null,"name":"plan.answer","payload":{"ok":true}}"#),
        Sample(entry: .eventMatched(name: "plan.answer"), kind: "event_matched",
               details: #"{"from_lookback":true,"name":"plan.answer"}"#),
        Sample(entry: .waitTimedOut(state: "await_answer", waitingFor: "plan.answer"), kind: "wait_timed_out",
               details: #"{"state":"await_answer","waiting_for":"plan.answer"}"#),
        Sample(entry: .branchCancelled(frame: "root/b1", state: "poll"), kind: "branch_cancelled",
               details: #"{"frame":"root/b1","state":"poll"}"#),
        Sample(entry: .succeeded(output: ["ok": true]), kind: "completed",
               details: #"{"output":{"ok":true},"status":"succeeded"}"#),
        Sample(entry: .failed(error), kind: "completed", details: #"{"error":"# + errorJSON + #","status":"failed"}"#),
        Sample(entry: .cancelled(reason: "by operator"), kind: "completed",
               details: #"{"reason":"by operator","status":"cancelled"}"#),
        Sample(entry: .ignored(reason: "timer i/t9 is not pending"), kind: "ignored",
               details: #"{"reason":"timer i/t9 is not pending"}"#),
        Sample(entry: .messageSent(result: sent, localTime: "2026-07-08T12:00:00+02:00", deferredFrom: .null),
               kind: "message_sent",
               details: #"{"deferred_from":null,"key":"DELAYED","local_time":"2026-07-08T12:00:00+02:00","sid":"SM1","#
                   + #""status":"sent","template":"flight_delayed","to":"+34600000001","type":"DELAYED","variables":{"1":"BA245"}}"#),
        Sample(entry: .duplicate(result: ["type": "DELAYED", "status": "duplicate"], localTime: nil, deferredFrom: .instant(at)),
               kind: "duplicate",
               details: #"{"deferred_from":"# + atJSON + #","local_time":null,"status":"duplicate","type":"DELAYED"}"#),
        Sample(entry: .suppressed(result: ["type": "DELAYED", "status": "suppressed", "reason": "cap"], localTime: nil,
                                  deferredFrom: .null),
               kind: "suppressed",
               details: #"{"deferred_from":null,"local_time":null,"reason":"cap","status":"suppressed","type":"DELAYED"}"#),
        Sample(entry: .alert(code: "NOTIFICATION_SUPPRESSED", message: "DELAYED suppressed: cap"), kind: "alert",
               details: #"{"code":"NOTIFICATION_SUPPRESSED","message":"DELAYED suppressed: cap"}"#),
        Sample(entry: .alert(code: "EFFECT_IN_DOUBT", message: "not repeated", key: "i/c1#twilio.send_template"),
               kind: "alert",
               details: #"{"code":"EFFECT_IN_DOUBT","key":"i/c1#twilio.send_template","message":"not repeated"}"#),
        Sample(entry: .effectInDoubt(step: "twilio.send_template", key: "i/c1#twilio.send_template", policy: "lookup",
                                     resolution: "found at provider"),
               kind: "effect_in_doubt",
               details: #"{"key":"i/c1#twilio.send_template","policy":"lookup","resolution":"found at provider","#
                   + #""step":"twilio.send_template"}"#),
        Sample(entry: .modelUsage(state: "intake", step: "openai.chat", callID: "i/c3", model: "gpt-4o-mini-2024-07-18",
                                  promptTokens: 1000, completionTokens: 500, totalTokens: 1500, cost: 0.00045)
                   .inFrame("root/b1"),
               kind: "model_usage",
               details: #"{"call_id":"i/c3","completion_tokens":500,"cost":0.00045,"currency":"USD","frame":"root/b1","#
                   + #""model":"gpt-4o-mini-2024-07-18","prompt_tokens":1000,"state":"intake","step":"openai.chat","#
                   + #""total_tokens":1500}"#),
        Sample(entry: .modelUsage(state: "intake", step: "openai.chat", callID: nil, model: "o3-mini", promptTokens: 42,
                                  completionTokens: 7, totalTokens: 49, cost: nil,
                                  reason: "no price for model o3-mini"),
               kind: "model_usage",
               details: #"{"completion_tokens":7,"cost":null,"currency":"USD","model":"o3-mini","prompt_tokens":42,"#
                   + #""reason":"no price for model o3-mini","state":"intake","step":"openai.chat","#
                   + #""total_tokens":49}"#),
        Sample(entry: .feedback(["rating": 4, "comment": "too early flights"]), kind: "feedback",
               details: #"{"comment":"too early flights","rating":4}"#),
    ]

    @Test func everyKindHasASample() {
        #expect(Set(Self.samples.map(\.entry.kind)) == Set(TimelineEntry.Kind.allCases))
        #expect(Set(TimelineEntry.Kind.allCases.map(\.rawValue)).count == TimelineEntry.Kind.allCases.count)
    }

    @Test(arguments: samples)
    func writesTheStoredForm(_ sample: Sample) throws {
        #expect(sample.entry.kind.rawValue == sample.kind)
        #expect(try sample.entry.storedDetails.storedJSON() == sample.details)
    }

    @Test(arguments: samples)
    func readsBackFromTheStoredForm(_ sample: Sample) throws {
        let read = TimelineEntry(storedKind: sample.kind, details: try StoredJSONReader.value(sample.details))
        #expect(read == sample.entry)
        #expect(read.kind.rawValue == sample.kind)
        #expect(try read.storedDetails.storedJSON() == sample.details)
        if case .other = read.kind { Issue.record("\(sample.kind) read as an unknown kind") }
    }

    @Test(arguments: TimelineEntry.Kind.allCases)
    func namesAreSnakeCase(_ kind: TimelineEntry.Kind) {
        #expect(TimelineEntry.Kind(rawValue: kind.rawValue) == kind)
        #expect(kind.rawValue.allSatisfy { $0.isLowercase || $0 == "_" })
        #expect("\(kind)" == kind.rawValue)
    }

    /// Rows written by an older (or newer) build with a kind this build does not know.
    @Test(arguments: ["created", "flight_rebooked", "x", "", "ñandú 🛬 O'Hare"])
    func unknownStoredKindDecodes(_ name: String) throws {
        let details = #"{"at":"# + Self.atJSON + #","n":1,"text":"kept"}"#
        let read = TimelineEntry(storedKind: name, details: try StoredJSONReader.value(details))
        #expect(read.kind == .other(name))
        guard case .other(let kept) = read.kind else {
            Issue.record("\(name) decoded as a named kind")
            return
        }
        #expect(kept == name)
        #expect(read.kind.rawValue == name)
        #expect(try read.storedDetails.storedJSON() == details)
    }

    @Test func otherWithAKnownNameIsThatKind() {
        #expect(TimelineEntry.Kind.other("alert") == .alert)
        #expect(Set<TimelineEntry.Kind>([.other("alert"), .alert]).count == 1)
    }

    @Test func detailsThatAreNotAnObjectReadAsNoFields() {
        #expect(TimelineEntry(storedKind: "alert", details: "text").details.isEmpty)
    }

    @Test func typedAccessorsReadTheFields() {
        let call = TimelineEntry.stepCalled(state: "poll", step: "aeroapi.flight", attempt: 3, callID: "i/c4", input: nil)
            .inFrame("root/b1")
        #expect(call.state == "poll" && call.step == "aeroapi.flight" && call.attempt == 3 && call.callID == "i/c4")
        #expect(call.frame == "root/b1")
        #expect(TimelineEntry.stateEntered(state: "poll").frame == nil)
        #expect(TimelineEntry.failed(Self.error).error?["code"] == "http.503")
        let alert = TimelineEntry.alert(code: "X", message: "m")
        #expect(alert.code == "X" && alert.message == "m")
        #expect(TimelineEntry.ignored(reason: "r").reason == "r")
    }

    /// `docs/timeline.md` has a section for every kind.
    @Test func everyKindIsDocumented() throws {
        let root = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let text = try String(contentsOf: root.appendingPathComponent("docs/timeline.md"), encoding: .utf8)
        for kind in TimelineEntry.Kind.allCases {
            #expect(text.contains("### `\(kind.rawValue)`"), "docs/timeline.md: no section for \(kind)")
        }
    }
}
