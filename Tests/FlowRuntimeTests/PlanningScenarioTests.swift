import FlowEngine
import FlowRuntime
import Travel
import Foundation
import Testing

/// Dry-runs of the shipped `workflows/trip-planning.yaml` over fixtures.
@Suite("Planning scenarios")
struct PlanningScenarioTests {
    typealias S = PlanningScenario

    static let research = ["flights", "stays", "activities"]
    static let lineItems: Value = .array(
        S.flights()["items"]!.arrayValue! + S.stays()["items"]!.arrayValue! + S.activities()["items"]!.arrayValue!)

    @Test("within budget: no budget approval, the booking approval of plan v1, approved, saved, the user told")
    func withinBudget() async throws {
        let report = try await S.run(openai: S.answers(), approvals: [S.approve(at: .hours(3))])
        #expect(report.status == "succeeded")
        #expect(S.openaiCalls(report) == ["brief"] + Self.research + ["itinerary"])
        #expect(report.calls["openai"] == 5)
        let asked = S.approvalsAsked(report)
        #expect(asked.count == 1)
        #expect(asked.first?.details["expires_at"] == .instant(S.start + .hours(48)))
        let checked = try #require(ItineraryScenario.results(report, "itinerary.check").first)
        #expect(checked["valid"] == true)
        #expect(S.requests(report) == [[
            "kind": "booking",
            "summary": "Lisbon, 2026-09-10 to 2026-09-13: 3130 USD (plan v1)",
            "version": 1, "amount": 3130, "currency": "USD", "items": Self.lineItems,
            "details": ["plan_id": "dry-run/v1", "destination": "Lisbon", "start_date": "2026-09-10",
                        "end_date": "2026-09-13", "itinerary": checked["itinerary"] ?? .null],
        ]])
        #expect(S.decisions(report) == ["approve"])
        let saved = try #require(ItineraryScenario.called(report, "itinerary.save").first?.details["input"])
        #expect(saved["trip_id"] == "trip-lis" && saved["itinerary"] == checked["itinerary"])
        #expect(ItineraryScenario.results(report, "itinerary.save").first?["version"] == 1)
        let sent = try #require(ItineraryScenario.called(report, "twilio.send_template").first?.details["input"])
        #expect(sent["to"] == "+5491155550000")
        #expect(sent["variables"] == ["1": "Lisbon", "2": "4", "3": "3130 USD"])
        let output = try #require(S.completion(report)?["output"])
        #expect(output["total"] == 3130 && output["budget"] == 3000 && output["plan_version"] == 1)
        #expect(output["saved_version"] == 1 && output["notified"] == true && output["days"] == 4)
        #expect(report.history.last?.at == S.start + .hours(3))
    }

    @Test("the research prompts carry the target; every research answer is saved under its own key")
    func researchPrompts() async throws {
        let report = try await S.run(openai: S.answers(), approvals: [S.approve()])
        let calls = ItineraryScenario.called(report, "openai.chat")
        for call in calls[1...3] {
            let prompt = call.details["input"]?["messages"]?[1]?["content"]?.stringValue ?? ""
            #expect(prompt.contains("must cost at most 3000 USD"))
            #expect(prompt.contains("Trip to Lisbon from Buenos Aires, 2026-09-10 to 2026-09-13 (4 days), 2 adult(s)"))
            let schema = call.details["input"]?["json_schema"]?["properties"]?["items"]?["items"]?["properties"]
            #expect(schema?["estimate"] == ["type": "boolean", "enum": [true]])
            #expect(schema?["currency"]?["enum"] == ["USD"])
        }
        let outputs = ItineraryScenario.results(report, "openai.chat")
        #expect(outputs[1]["json"] == S.flights() && outputs[2]["json"] == S.stays() && outputs[3]["json"] == S.activities())
    }

    @Test("over budget beyond the margin: a budget_override with the overrun and line items; approved, it continues")
    func overBudgetApproved() async throws {
        let report = try await S.run(openai: S.answers(stays: S.stays(1300)),
                                     approvals: [S.approve(at: .hours(1)), S.approve(at: .hours(5))])
        #expect(report.status == "succeeded")
        let items: Value = .array(S.flights()["items"]!.arrayValue! + S.stays(1300)["items"]!.arrayValue!
                                  + S.activities()["items"]!.arrayValue!)
        let requests = S.requests(report)
        #expect(requests.count == 2)
        #expect(requests.first == [
            "kind": "budget_override",
            "summary": "Lisbon: 3550 USD for a budget of 3000 USD",
            "amount": 3550, "currency": "USD", "items": items,
            "details": ["budget": 3000, "overrun": 550, "overrun_pct": 18.3, "margin_pct": 10, "replans": 0],
        ])
        #expect(S.approvalsAsked(report).first?.details["expires_at"] == .instant(S.start + .hours(24)))
        #expect(requests.last?["kind"] == "booking" && requests.last?["amount"] == 3550)
        #expect(S.decisions(report) == ["approve", "approve"])
        #expect(S.openaiCalls(report) == ["brief"] + Self.research + ["itinerary"])
    }

    @Test("over budget and rejected: a re-plan with a target 15 % lower comes back within budget")
    func overBudgetReplan() async throws {
        let answers = S.answers(stays: S.stays(1300), itineraries: [])
            + [S.answer(S.flights(1800)), S.answer(S.stays(800)), S.answer(S.activities()), S.answer(S.itinerary())]
        let report = try await S.run(openai: answers,
                                     approvals: [S.reject(at: .hours(1), notes: "too expensive"), S.approve(at: .hours(5))])
        #expect(report.status == "succeeded")
        #expect(S.openaiCalls(report) == ["brief"] + Self.research + Self.research + ["itinerary"])
        let second = ItineraryScenario.called(report, "openai.chat")[4].details["input"]?["messages"]?[1]?["content"]
        #expect(second?.stringValue?.contains("The previous plan was rejected (too expensive): choose cheaper options.") == true)
        #expect(second?.stringValue?.contains("must cost at most 2550 USD") == true)
        #expect(S.requests(report).map { $0["kind"] } == ["budget_override", "booking"])
        #expect(S.requests(report).last?["amount"] == 2950)
        #expect(S.decisions(report) == ["reject", "approve"])
        #expect(S.completion(report)?["output"]?["total"] == 2950)
    }

    @Test("over budget and rejected with on_budget_reject fail, or no re-plan left: fails budget_rejected",
          arguments: [["on_budget_reject": "fail"], ["max_replans": 0]] as [[String: Value]])
    func overBudgetRejectedFails(settings: [String: Value]) async throws {
        let report = try await S.run(openai: S.answers(stays: S.stays(1300)), approvals: [S.reject(at: .hours(1))],
                                     settings: settings)
        #expect(report.status == "failed")
        #expect(S.errorCode(report) == "budget_rejected")
        #expect(S.completion(report)?["error"]?["message"]
                == "3550 USD is over the budget of 3000 USD (budget_override reject, 0 re-plan(s))")
        #expect(S.openaiCalls(report) == ["brief"] + Self.research)
        #expect(ItineraryScenario.called(report, "itinerary.save").isEmpty)
    }

    @Test("a budget_override nobody decides expires after budget_expires_in: a rejection, so a re-plan")
    func budgetApprovalExpires() async throws {
        let answers = S.answers(stays: S.stays(1300), itineraries: [])
            + [S.answer(S.flights(1800)), S.answer(S.stays(800)), S.answer(S.activities()), S.answer(S.itinerary())]
        let report = try await S.run(openai: answers, approvals: [S.approve(at: .hours(30))])
        #expect(report.status == "succeeded")
        #expect(S.decisions(report) == ["expired", "approve"])
        #expect(S.requests(report).map { $0["kind"] } == ["budget_override", "booking"])
        let replanned = ItineraryScenario.called(report, "openai.chat")[4]
        #expect(replanned.at == S.start + .hours(24))
        #expect(replanned.details["input"]?["messages"]?[1]?["content"]?.stringValue?.contains(
            "The previous plan was rejected (over budget)") == true)
    }

    @Test("a research answer that is not labelled an estimate breaks the schema: fails research_failed")
    func researchNotEstimate() async throws {
        let item = S.lineItem("stay", "Memmo Alfama", "Lisbon", 880).objectValue!.merging(["estimate": false]) { $1 }
        let stays: Value = ["items": [.object(item)], "notes": "four nights"]
        let report = try await S.run(openai: S.answers(stays: stays))
        #expect(report.status == "failed")
        #expect(S.errorCode(report) == "research_failed")
        #expect(S.openaiCalls(report) == ["brief"] + Self.research)
        #expect(S.approvalsAsked(report).isEmpty)
    }

    @Test("missing essentials: the instance waits for the user's answer, then reads the request again")
    func intakeAnswer() async throws {
        let question = S.brief(departure: .null, end: .null, question: "From which city will you leave?")
        let answers = [S.answer(question)] + S.answers()
        let events = [
            DryRunFixtures.Event(at: S.at(.minutes(10)), name: "plan.answer", key: "u-7/dry-run",
                                 payload: ["text": "From Madrid"]),
            DryRunFixtures.Event(at: S.at(.minutes(20)), name: "plan.answer", key: "u-42/dry-run",
                                 payload: ["text": "From Buenos Aires"]),
        ]
        let report = try await S.run(openai: answers, approvals: [S.approve(at: .hours(2))], events: events)
        #expect(report.status == "succeeded")
        #expect(S.openaiCalls(report) == ["brief", "brief"] + Self.research + ["itinerary"])
        let received = report.history.filter { $0.kind == .eventReceived }
        #expect(received.map { $0.details["delivered_to"]?.arrayValue?.count } == [0, 1])
        let intakes = ItineraryScenario.called(report, "openai.chat").prefix(2)
        #expect(intakes.last?.at == S.at(.minutes(20)))
        let again = intakes.last?.details["input"]?["messages"]?[1]?["content"]?.stringValue
        #expect(again?.hasSuffix("\nAnswers to your questions: From Buenos Aires") == true)
        let wait = report.history.first { $0.kind == .timerSet && $0.details["waiting_for"] == "plan.answer" }
        #expect(wait?.details["at"] == .instant(S.start + .hours(24)))
    }

    @Test("no answer within answer_timeout: fails intake_no_answer naming what is missing")
    func intakeNoAnswer() async throws {
        let question = S.brief(departure: .null, question: "From which city will you leave?")
        let report = try await S.run(openai: [S.answer(question)])
        #expect(report.status == "failed")
        #expect(S.errorCode(report) == "intake_no_answer")
        #expect(S.completion(report)?["error"]?["message"] == "no answer about departure_city within 1d")
        #expect(report.history.last?.at == S.start + .hours(24))
        #expect(S.openaiCalls(report) == ["brief"])
        #expect(S.approvalsAsked(report).isEmpty)
    }

    @Test("still missing after intake_questions answers: fails intake_incomplete")
    func intakeIncomplete() async throws {
        let question = S.brief(departure: .null)
        let report = try await S.run(openai: [S.answer(question)], settings: ["intake_questions": 0])
        #expect(S.errorCode(report) == "intake_incomplete")
        #expect(S.completion(report)?["error"]?["message"] == "the request lacks departure_city after 0 question(s)")
    }

    @Test("dates that are not YYYY-MM-DD days, or a length outside 1…max_days: fails invalid_dates", arguments: [
        (["start": "10 September", "end": "2026-09-13"], "dates must be YYYY-MM-DD days: start_date "
            + "'10 September', end_date '2026-09-13'"),
        (["start": "2026-09-10", "end": "2026-02-30"], "dates must be YYYY-MM-DD days: start_date '2026-09-10', "
            + "end_date '2026-02-30'"),
        (["start": "2026-09-13", "end": "2026-09-10"], "the trip must last 1 to 21 days, got -2"),
        (["start": "2026-09-10", "end": "2026-10-10"], "the trip must last 1 to 21 days, got 31"),
    ] as [(Value, String)])
    func badDates(dates: Value, message: String) async throws {
        let report = try await S.run(input: S.input(["travel_dates": dates]), openai: S.answers())
        #expect(S.errorCode(report) == "invalid_dates")
        #expect(S.completion(report)?["error"]?["message"] == .string(message))
        #expect(S.openaiCalls(report) == ["brief"])
    }

    @Test("an itinerary with a place the research did not find is asked again with the problem, then valid")
    func itineraryInvalidOnce() async throws {
        let report = try await S.run(openai: S.answers(itineraries: [S.invented, S.itinerary()]),
                                     approvals: [S.approve()])
        #expect(report.status == "succeeded")
        #expect(S.openaiCalls(report) == ["brief"] + Self.research + ["itinerary", "itinerary"])
        let checks = ItineraryScenario.results(report, "itinerary.check")
        #expect(checks.map { $0["valid"] } == [false, true])
        let problem = "day 3 item 1 (Oceanário de Lisboa): not a place from the research (use the exact name of a "
            + "stay or an activity)"
        #expect(checks.first?["errors"] == [.string(problem)])
        let retry = ItineraryScenario.called(report, "openai.chat").last?.details["input"]?["messages"]
        #expect(retry?.arrayValue?.count == 4)
        #expect(retry?[3]?["content"] == .string("Your previous answer is not usable: \(problem). Answer the whole "
                                                  + "corrected itinerary."))
        #expect(S.requests(report).first?["version"] == 1)
    }

    @Test("an itinerary still invalid after itinerary_attempts answers: fails itinerary_invalid, nothing asked")
    func itineraryInvalidEveryTime() async throws {
        let gap = S.itinerary(dates: ["2026-09-10", "2026-09-11", "2026-09-13", "2026-09-14"])
        let report = try await S.run(openai: S.answers(itineraries: [S.invented, gap, S.invented]))
        #expect(report.status == "failed")
        #expect(S.errorCode(report) == "itinerary_invalid")
        #expect(S.completion(report)?["error"]?["message"]?.stringValue?.hasPrefix(
            "no valid itinerary after 3 answer(s): day 3 item 1 (Oceanário de Lisboa)") == true)
        #expect(ItineraryScenario.results(report, "itinerary.check").map { $0["valid"] } == [false, false, false])
        let gapErrors = ItineraryScenario.results(report, "itinerary.check")[1]["errors"]?.arrayValue ?? []
        #expect(gapErrors.contains("day 3: date '2026-09-13' should be 2026-09-12 (days are consecutive from 2026-09-10)"))
        #expect(S.approvalsAsked(report).isEmpty)
        #expect(report.calls["openai"] == 7)
    }

    @Test("no booking decision within booking_expires_in: expired, a rejection, never approved; nothing saved")
    func bookingTimeout() async throws {
        let report = try await S.run(openai: S.answers())
        #expect(report.status == "failed")
        #expect(S.errorCode(report) == "booking_expired")
        #expect(S.decisions(report) == ["expired"])
        #expect(report.history.last?.at == S.start + .hours(48))
        #expect(ItineraryScenario.called(report, "itinerary.save").isEmpty)
        #expect(ItineraryScenario.called(report, "twilio.send_template").isEmpty)
    }

    @Test("the booking rejected: the plan is cancelled, nothing saved or sent")
    func bookingRejected() async throws {
        let report = try await S.run(openai: S.answers(), approvals: [S.reject(at: .hours(6), notes: "not now")])
        #expect(report.status == "failed")
        #expect(S.errorCode(report) == "plan_cancelled")
        #expect(S.completion(report)?["error"]?["message"] == "plan v1 was rejected at booking: cancelled")
        #expect(S.decisions(report) == ["reject"])
        #expect(ItineraryScenario.called(report, "itinerary.save").isEmpty)
        #expect(ItineraryScenario.called(report, "twilio.send_template").isEmpty)
    }

    @Test("the booking rejected with on_booking_reject replan: a new research and plan v2 is approved")
    func bookingRejectedReplan() async throws {
        let answers = S.answers() + [S.answer(S.flights()), S.answer(S.stays(700)), S.answer(S.activities()),
                                     S.answer(S.itinerary())]
        let report = try await S.run(openai: answers, approvals: [S.reject(at: .hours(2), notes: "a cheaper hotel"),
                                                                  S.approve(at: .hours(4))],
                                     settings: ["on_booking_reject": "replan"])
        #expect(report.status == "succeeded")
        #expect(S.requests(report).map { $0["version"] } == [1, 2])
        #expect(S.requests(report).map { $0["amount"] } == [3130, 2950])
        let prompt = ItineraryScenario.called(report, "openai.chat")[5].details["input"]?["messages"]?[1]?["content"]
        #expect(prompt?.stringValue?.contains("The previous plan was rejected (a cheaper hotel)") == true)
        #expect(S.completion(report)?["output"]?["plan_version"] == 2)
    }

    @Test("an agency's budget_margin_pct (cumbre: 20) lets a total 18 % over go without a budget approval")
    func agencyMargin() async throws {
        let answers = S.answers(stays: S.stays(1300))
        let plain = try await S.run(openai: answers, approvals: [S.approve(at: .hours(1)), S.approve(at: .hours(2))])
        #expect(S.requests(plain).map { $0["kind"] } == ["budget_override", "booking"])
        let cumbre = try await S.run(openai: answers, approvals: [S.approve(at: .hours(1))], agency: "cumbre")
        #expect(S.requests(cumbre).map { $0["kind"] } == ["booking"])
        #expect(cumbre.status == "succeeded")
        #expect(S.completion(cumbre)?["output"]?["total"] == 3550)
    }

    @Test("without trip_id or whatsapp: nothing saved or sent, the plan is the output")
    func nothingToSaveOrTell() async throws {
        let report = try await S.run(input: S.input(tripID: .null, whatsapp: .null), openai: S.answers(),
                                     approvals: [S.approve()])
        #expect(report.status == "succeeded")
        #expect(ItineraryScenario.called(report, "itinerary.save").isEmpty)
        #expect(ItineraryScenario.called(report, "twilio.send_template").isEmpty)
        let output = S.completion(report)?["output"]
        #expect(output?["saved_version"] == .null && output?["notified"] == false)
        #expect(output?["itinerary"]?["days"]?.arrayValue?.count == 4)
    }
}
