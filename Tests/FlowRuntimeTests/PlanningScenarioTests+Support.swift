import FlowEngine
import FlowRuntime
import Travel
import Foundation

/// A planning request, the model's answers and the dry-run of the shipped trip-planning flow.
///
/// The default story: 2 adults, 4 days in Lisbon from 2026-09-10, budget 3000 USD; the research
/// totals 3130 USD (flights 1900, stay 880, activities 350): 4.3 % over, inside the 10 % margin.
enum PlanningScenario {
    static let start = Instant(iso8601: "2026-08-01T12:00:00Z")!
    static let flow = "trip-planning"

    static func at(_ offset: TimeSpan) -> Instant { start + offset }

    static func input(_ constraints: [String: Value] = [:], tripID: Value = "trip-lis",
                      whatsapp: Value = "+5491155550000") -> Value {
        var known: [String: Value] = [
            "budget_usd": 3000, "currency": "USD", "party": ["adults": 2, "children": 0],
            "interests": ["food", "history"],
        ]
        known.merge(constraints) { $1 }
        return ["user_id": "u-42", "query": "Two of us want 4 days in Lisbon from 10 September 2026, around 3000 dollars.",
                "constraints": .object(known), "trip_id": tripID, "whatsapp": whatsapp]
    }

    /// The trip the approved itinerary is saved under.
    static func trip() throws -> TripRecord {
        try TripRecord(trip: ["id": "trip-lis", "client_name": "Lucía Gómez", "whatsapp": "+5491155550000",
                              "flight_number": "TP1234", "origin": "EZE", "destination": "LIS",
                              "departure": "2026-09-09T21:30:00-03:00"],
                       agency: nil, instanceID: nil, at: start)
    }

    static func brief(departure: Value = "Buenos Aires", end: Value = "2026-09-13", question: Value = .null) -> Value {
        ["destination": "Lisbon", "departure_city": departure, "start_date": "2026-09-10", "end_date": end,
         "duration_days": 4, "budget": 3000, "currency": "USD", "adults": 2, "children": 0,
         "interests": ["food", "history"], "question": question]
    }

    static func lineItem(_ kind: String, _ name: String, _ city: String, _ amount: Double) -> Value {
        ["kind": .string(kind), "name": .string(name), "city": .string(city), "date": .null,
         "amount": .number(amount), "currency": "USD", "estimate": true]
    }

    static func flights(_ amount: Double = 1900) -> Value {
        ["items": [lineItem("flight", "TAP Air Portugal EZE-LIS round trip", "Buenos Aires", amount)], "notes": "economy"]
    }

    static func stays(_ amount: Double = 880) -> Value {
        ["items": [lineItem("stay", "Memmo Alfama", "Lisbon", amount)], "notes": "four nights"]
    }

    static func activities(_ fado: Double = 140) -> Value {
        ["items": [lineItem("activity", "Torre de Belém", "Lisbon", 30),
                   lineItem("activity", "Mosteiro dos Jerónimos", "Lisbon", 40),
                   lineItem("activity", "Palácio da Pena", "Sintra", 60),
                   lineItem("activity", "Time Out Market Lisboa", "Lisbon", 80),
                   lineItem("activity", "Clube de Fado", "Lisbon", fado)], "notes": "for two"]
    }

    static func item(_ title: String, _ type: String = "attraction", start: String = "10:00",
                     end: Value = "12:00") -> Value {
        ["title": .string(title), "type": .string(type), "address": "Lisboa", "city": "Lisbon",
         "start_time": .string(start), "end_time": end, "source": "suggested"]
    }

    /// Four days from 2026-09-10; `third` is the third day's first item.
    static func itinerary(third: Value = item("Day trip to Palácio da Pena"), dates: [String]? = nil) -> Value {
        let dates = dates ?? ["2026-09-10", "2026-09-11", "2026-09-12", "2026-09-13"]
        let items: [[Value]] = [
            [item("Arrival at Lisbon airport", "transport", start: "08:30", end: "09:30"),
             item("Check-in at Memmo Alfama", "hotel", start: "14:00", end: .null),
             item("Dinner at Time Out Market Lisboa", "restaurant", start: "20:00", end: "22:00")],
            [item("Torre de Belém"), item("Mosteiro dos Jerónimos", start: "12:00", end: "14:00")],
            [third, item("Clube de Fado", "activity", start: "21:00", end: "23:30")],
            [item("Free morning in Alfama", "other"), item("Flight home", "transport", start: "16:00", end: .null)],
        ]
        return ["days": .array(zip(dates, items).map { ["date": .string($0), "items": .array($1)] })]
    }

    /// An itinerary naming a place the research did not find.
    static let invented = itinerary(third: item("Oceanário de Lisboa"))

    static func answer(_ value: Value) -> DryRunFixtures.Answer {
        .init(from: nil, status: 200, body: ["content": .string(value.jsonText)])
    }

    /// Brief, research (flights, stays, activities), then the itineraries.
    static func answers(brief: Value = brief(), flights: Value = flights(), stays: Value = stays(),
                        activities: Value = activities(), itineraries: [Value] = [itinerary()]) -> [DryRunFixtures.Answer] {
        [answer(brief), answer(flights), answer(stays), answer(activities)] + itineraries.map(answer)
    }

    static func approve(at offset: TimeSpan = .hours(2), notes: String? = nil) -> DryRunFixtures.Approval {
        .init(at: at(offset), decision: ApprovalDecision(.approve, by: "ops@agency.example", notes: notes))
    }

    static func reject(at offset: TimeSpan = .hours(2), notes: String? = nil) -> DryRunFixtures.Approval {
        .init(at: at(offset), decision: ApprovalDecision(.reject, by: "ops@agency.example", notes: notes))
    }

    static func run(input: Value = input(), openai: [DryRunFixtures.Answer], approvals: [DryRunFixtures.Approval] = [],
                    events: [DryRunFixtures.Event] = [], agency: String? = nil,
                    settings changes: [String: Value] = [:]) async throws -> DryRunReport {
        let directory = WorkflowDirectory.load(path: ConciergeScenario.workflows, catalogue: .standard)
        let flow = try directory.effectiveFlow(Self.flow, agency: agency)
        let settings = try directory.effectiveSettings(flow: Self.flow, agency: agency).merging(changes) { $1 }
        let fixtures = DryRunFixtures(openai: openai, approvals: approvals, events: events, trips: [try trip()])
        return try await DryRun(flow: flow, input: input, settings: .object(settings), agency: agency,
                                fixtures: fixtures, start: start, product: TravelProduct()).run()
    }

    /// The `request` of every approval asked, in order.
    static func requests(_ report: DryRunReport) -> [Value] {
        report.history.filter { $0.kind == .approvalRequested }.map { $0.details["request"] ?? .null }
    }

    static func approvalsAsked(_ report: DryRunReport) -> [HistoryEntry] {
        report.history.filter { $0.kind == .approvalRequested }
    }

    static func decisions(_ report: DryRunReport) -> [String] {
        report.history.filter { $0.kind == .approvalDecided }.compactMap { $0.details["decision"]?["decision"]?.stringValue }
    }

    /// The `schema_name` of every OpenAI call, in order.
    static func openaiCalls(_ report: DryRunReport) -> [String] {
        ItineraryScenario.called(report, "openai.chat").compactMap { $0.details["input"]?["schema_name"]?.stringValue }
    }

    static func completion(_ report: DryRunReport) -> Value? {
        report.history.last { $0.kind == .completed }.map { .object($0.details) }
    }

    /// The failure's error code, when the instance failed.
    static func errorCode(_ report: DryRunReport) -> String? {
        completion(report)?["error"]?["code"]?.stringValue
    }
}
