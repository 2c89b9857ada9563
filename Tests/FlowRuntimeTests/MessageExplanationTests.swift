import FlowEngine
import FlowRuntime
import Foundation
import Testing
import Travel

/// `flowctl explain --message TYPE` on the shipped flight flow: every example's messages that were
/// not sent or were deferred are explained with the rule and the values that decided them.
@Suite struct MessageExplanationTests {
    typealias S = FlightScenario

    static let flightExamples = [
        "normal-flight", "delay", "gate-change", "cancellation", "english-traveller", "trip-updated", "trip-cancelled",
    ]
    /// Every type the flight policy can send (domain/flight-notifications.md).
    static let types = [
        "RESERVATION_CONFIRMATION", "REMINDER_24H", "DELAYED", "GATE_CHANGE", "CANCELLED", "DIVERTED", "BOARDING",
        "LANDING_WELCOME",
    ]
    static let kindsWithARule: Set<String> = ["decided", "not_announced", "suppressed", "duplicate", "failed"]

    /// The example dry-run as `flowctl explain --flow … --input … --fixtures …` runs it.
    static func dryRun(_ example: String, start: String = "2026-07-06T10:00:00Z") async throws -> (Flow, DryRunReport) {
        let folder = S.examples + "/" + example
        let outcome = await DryRunInvocation(
            flowPath: S.workflows + "/flight-notifications.yaml", inputPath: folder + "/trip.json",
            fixturesPath: folder + "/fixtures.yaml", start: start, format: .json, product: TravelProduct()
        ).run(now: .at(start))
        #expect(outcome.exitCode == 0, "\(example): \(outcome.standardError)")
        return (try #require(outcome.flow), try #require(outcome.report))
    }

    @Test(arguments: flightExamples)
    func everyUnsentOrDeferredMessageIsExplainedWithItsRuleAndValues(example: String) async throws {
        let (flow, report) = try await Self.dryRun(example)
        for type in Self.types {
            let explanation = MessageExplanation(type: type, flow: flow, report: report)
            #expect(!explanation.senders.isEmpty, "\(type): no sending state found")
            let sent = report.messages(type)
            #expect(explanation.sent == !sent.isEmpty)
            if sent.isEmpty {
                // Not sent: a decision (or a change not announced, …) names the rule and the values.
                let ruled = explanation.findings.filter { Self.kindsWithARule.contains($0.kind) }
                #expect(!ruled.isEmpty, "\(example) \(type): nothing explains it\n\(explanation.text)")
                #expect(ruled.allSatisfy { $0.reason.contains(" = ") && ($0.reason.contains("settings.")
                                                                        || $0.reason.contains("vars.")
                                                                        || $0.reason.contains("delay_threshold")) },
                        "\(example) \(type):\n\(explanation.text)")
                #expect(explanation.text.contains("\(type): not sent"))
            } else {
                #expect(explanation.findings.filter { $0.kind == "sent" }.count == sent.count)
                #expect(!explanation.findings.contains { $0.kind == "decided" })
            }
            for message in sent where message["deferred_from"].map({ !$0.isNull }) == true {
                // Deferred: the deferral names the quiet-hours rule and its value.
                let deferral = explanation.findings.first { $0.kind == "deferred" }
                #expect(deferral?.reason.contains("(settings.quiet_hours = 20:00-09:00)") == true,
                        "\(example) \(type):\n\(explanation.text)")
            }
        }
    }

    @Test func theNormalFlightsReminderWasDeferredOutOfLondonQuietHours() async throws {
        let (flow, report) = try await Self.dryRun("normal-flight")
        let explanation = MessageExplanation(type: "REMINDER_24H", flow: flow, report: report)
        #expect(explanation.senders == ["send_reminder"])
        #expect(explanation.findings.map(\.kind) == ["deferred", "sent"])
        let deferral = try #require(explanation.findings.first)
        #expect(deferral.state == "wait_reminder")
        #expect(deferral.reason.contains("due 22:05 local is inside quiet hours (settings.quiet_hours = 20:00-09:00)"))
        #expect(deferral.reason.contains("settings.reminder_before = 1d"))
        #expect(explanation.text.contains("REMINDER_24H: sent 1 time"))
    }

    @Test func aTripBookedThreeHoursBeforeDepartureByDayGetsItsReminderAtOnce() async throws {
        // 18:05Z (19:05 London): departure − reminder_before is past, the origin outside quiet hours.
        let (flow, report) = try await Self.dryRun("normal-flight", start: "2026-07-08T18:05:00Z")
        let explanation = MessageExplanation(type: "REMINDER_24H", flow: flow, report: report)
        #expect(explanation.sent)
        #expect(explanation.findings.map(\.kind) == ["sent"])
        #expect(report.messages("REMINDER_24H").first?["at"] == .instant(.at("2026-07-08T18:05:00Z")))
    }

    @Test func aTripBookedThreeHoursBeforeDepartureAtNightGetsNoReminderAndSaysWhy() async throws {
        // 19:30Z (20:30 London): inside quiet hours, whose end (09:00) comes after the 22:05 departure.
        let (flow, report) = try await Self.dryRun("normal-flight", start: "2026-07-08T19:30:00Z")
        let explanation = MessageExplanation(type: "REMINDER_24H", flow: flow, report: report)
        #expect(!explanation.sent)
        let decision = try #require(explanation.findings.first { $0.kind == "decided" })
        #expect(decision.state == "late_reminder_gate")
        #expect(decision.reason.contains("settings.late_reminder_min_lead = 2h"), "\(explanation.text)")
        let suppressed = try #require(explanation.findings.first { $0.kind == "suppressed" })
        #expect(suppressed.reason.contains("late booking: quiet hours end 09:00, after the departure at 22:05"),
                "\(explanation.text)")
    }

    @Test func aTwelveMinuteDelayIsNotAnnouncedBelowTheFifteenMinuteThreshold() async throws {
        let report = try await S.run(fixtures: DryRunFixtures(aeroapi: [
            S.answer("2026-07-08T00:00:00Z", S.flight(estimatedOut: "2026-07-08T21:17:00Z", gate: "B32")),
            S.answer("2026-07-08T21:20:00Z", S.flight(estimatedOut: "2026-07-08T21:17:00Z", gate: "B32",
                                                      actualOut: "2026-07-08T21:19:00Z", status: "En Route / On Time")),
            S.answer("2026-07-09T05:00:00Z", S.flight(gate: "B32", actualOut: "2026-07-08T21:19:00Z",
                                                      actualOn: "2026-07-09T05:01:00Z", status: "Arrived / Gate Arrival",
                                                      progress: 100)),
        ]))
        let flow = try WorkflowDirectory.load(path: S.workflows, catalogue: .standard)
            .effectiveFlow("flight-notifications", agency: nil)
        #expect(report.messages("DELAYED").isEmpty)
        let explanation = MessageExplanation(type: "DELAYED", flow: flow, report: report)
        let notAnnounced = explanation.findings.filter { $0.kind == "not_announced" }
        #expect(!notAnnounced.isEmpty)
        #expect(notAnnounced.first?.state == "diff")
        #expect(notAnnounced.first?.reason.hasPrefix("flight.diff: delay not announced: 12m < delay_threshold 15m") == true)
        #expect(explanation.text.contains("delay not announced: 12m < delay_threshold 15m"))
    }

    @Test func aCancelledTripExplainsTheMissingBoardingByTheCancelledBranchAndTheEnd() async throws {
        let (flow, report) = try await Self.dryRun("trip-cancelled")
        let explanation = MessageExplanation(type: "BOARDING", flow: flow, report: report)
        let kinds = explanation.findings.map(\.kind)
        #expect(kinds.contains("branch_cancelled"))
        #expect(kinds.last == "ended")
        #expect(explanation.findings.last?.reason.contains("trip_cancelled") == true)
    }

    @Test func aTypeNoStateSendsSaysSo() async throws {
        let (flow, report) = try await Self.dryRun("normal-flight")
        let explanation = MessageExplanation(type: "ITINERARY_READY", flow: flow, report: report)
        #expect(explanation.senders.isEmpty)
        #expect(explanation.text.contains("no notify.send state of this flow sends ITINERARY_READY"))
    }
}
