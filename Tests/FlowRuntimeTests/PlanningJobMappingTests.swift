import FlowEngine
import FlowRuntime
import Testing
import Travel

/// The planning API's pure mappings: instance facts → job status, timeline entries → stream events.
@Suite("Planning job mappings")
struct PlanningJobMappingTests {
    typealias F = JobStatus.Facts

    static let statuses: [(F, JobStatus)] = [
        (F(instance: .running), .started),
        (F(instance: .waiting, stepsAnswered: 0), .started),
        (F(instance: .running, stepsAnswered: 1), .planning),
        (F(instance: .waiting, stepsAnswered: 4), .planning),
        (F(instance: .waiting, awaitingApproval: true, stepsAnswered: 6), .waitingApproval),
        (F(instance: .running, awaitingApproval: true, stepsAnswered: 6, lastDecision: "reject"), .waitingApproval),
        (F(instance: .succeeded, stepsAnswered: 7, lastDecision: "approve"), .completed),
        (F(instance: .cancelled, stepsAnswered: 2), .cancelled),
        (F(instance: .failed, failureCode: "plan_cancelled", lastDecision: "reject"), .cancelled),
        (F(instance: .failed, failureCode: "booking_expired", lastDecision: "expired"), .expired),
        (F(instance: .failed, failureCode: "budget_rejected", lastDecision: "expired"), .expired),
        (F(instance: .failed, failureCode: "budget_rejected", lastDecision: "reject"), .failed),
        (F(instance: .failed, failureCode: "research_failed"), .failed),
        (F(instance: .failed, failureCode: "plan_cancelled", awaitingApproval: true), .cancelled),
    ]

    @Test("instance status, failure code, awaited approval, answered steps and the last decision map to one job status",
          arguments: statuses)
    func status(facts: F, expected: JobStatus) {
        #expect(JobStatus.of(facts) == expected, "\(facts)")
    }

    @Test("only completed, failed, cancelled and expired are final")
    func finality() {
        #expect(JobStatus.allCases.filter(\.isFinal) == [.completed, .failed, .cancelled, .expired])
        #expect(JobStatus.waitingApproval.rawValue == "waiting_approval")
    }

    static func entry(_ sequence: Int64, _ entry: TimelineEntry) -> HistoryEntry {
        HistoryEntry(sequence: sequence, at: Instant(iso8601: "2026-08-01T12:00:00Z")!, entry)
    }

    static func stored(_ sequence: Int64, kind: String, _ details: Value) -> HistoryEntry {
        HistoryEntry(sequence: sequence, at: Instant(iso8601: "2026-08-01T12:00:00Z")!, storedKind: kind, details: details)
    }

    @Test("timeline entries become the original's events, each with the entry's sequence as its id")
    func events() {
        let flights: Value = ["items": [["kind": "flight", "amount": 1900]], "notes": "estimate"]
        let cases: [(HistoryEntry, [String])] = [
            (Self.stored(1, kind: "state_entered", ["state": "check_request"]), ["state_change"]),
            (Self.stored(2, kind: "step_called", ["state": "intake", "step": "openai.chat", "attempt": 1,
                                                  "call_id": "c1", "input": [:]]), ["task_start"]),
            (Self.stored(3, kind: "step_succeeded", ["state": "research_flights", "frame": "root/flights",
                                                     "step": "openai.chat", "attempt": 1,
                                                     "output": ["json": flights, "content": "{}"]]),
             ["task_complete", "agent_output"]),
            (Self.stored(4, kind: "step_succeeded", ["state": "check_itinerary", "step": "itinerary.check",
                                                     "attempt": 1, "output": ["valid": false, "errors": ["x"]]]),
             ["task_complete"]),
            (Self.stored(5, kind: "step_failed", ["state": "intake", "step": "openai.chat", "attempt": 1,
                                                  "error": ["class": "transient", "code": "http_503", "message": "m"]]),
             ["task_complete"]),
            (Self.stored(6, kind: "approval_requested", ["state": "approve_booking", "approval": "job-1/a1",
                                                         "request": ["kind": "booking", "amount": 3130]]),
             ["approval_requested", "state_change"]),
            (Self.stored(7, kind: "approval_decided", ["approval": "job-1/a1",
                                                       "decision": ["decision": "reject", "by": "acme-ops"]]),
             ["approval_decided"]),
            (Self.stored(8, kind: "timer_set", ["state": "approve_booking", "timer": "t1"]), []),
            (Self.stored(9, kind: "completed", ["status": "succeeded", "output": [:]]), []),
        ]
        for (entry, names) in cases {
            let events = PlanningEvents.events(for: entry, job: "job-1")
            #expect(events.map(\.name) == names, "\(entry.kind)")
            #expect(events.allSatisfy { $0.id == entry.sequence }, "\(entry.kind)")
        }
        let output = PlanningEvents.events(for: cases[2].0, job: "job-1")[1].data
        #expect(output == ["key": "flights", "value": flights, "frame": "root/flights"])
        let failed = PlanningEvents.events(for: cases[4].0, job: "job-1")[0].data
        #expect(failed["status"] == "failed" && failed["error"]?["code"] == "http_503")
        let requested = PlanningEvents.events(for: cases[5].0, job: "job-1")
        #expect(requested[0].data["approval_id"] == "job-1:a1" && requested[0].data["kind"] == "booking")
        #expect(requested[1].data["status"] == "waiting_approval" && requested[1].data["approval_data"]?["amount"] == 3130)
        let decided = PlanningEvents.events(for: cases[6].0, job: "job-1")[0].data
        #expect(decided["approved"] == false && decided["decision"] == "reject" && decided["by"] == "acme-ops")
        // A checked itinerary is an output; one that failed the check is not.
        let valid = Self.stored(10, kind: "step_succeeded", [
            "state": "check_itinerary", "step": "itinerary.check", "attempt": 2,
            "output": ["valid": true, "errors": [], "itinerary": ["days": []]],
        ])
        #expect(PlanningEvents.events(for: valid, job: "job-1").last?.data == ["key": "itinerary", "value": ["days": []]])
    }

    @Test("current outputs are read from the flow's variables; what is not produced yet is absent")
    func currentOutputs() {
        #expect(PlanningOutputs.current(vars: [:]).isEmpty)
        let vars: [String: Value] = [
            "brief": ["destination": "Lisbon"], "flights": ["json": ["items": []]], "stays": .null,
            "total": 3130, "limit": 3300, "currency": "USD",
            "checked": ["valid": true, "itinerary": ["days": [["date": "2026-09-10"]]]],
        ]
        let outputs = PlanningOutputs.current(vars: vars)
        #expect(Set(outputs.keys) == ["brief", "flights", "budget", "itinerary"])
        #expect(outputs["budget"] == ["total": 3130, "limit": 3300, "currency": "USD"])
        #expect(outputs["flights"] == ["items": []])
    }
}
