import FlowEngine
import FlowRuntime
import Travel
import Foundation

/// Trips, an AeroAPI flight and the dry-run of the shipped concierge flow.
enum ConciergeScenario {
    static let workflows: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.appendingPathComponent("workflows").path
    }()

    static let start = Instant(iso8601: "2026-07-08T12:00:00Z")!
    static let number = "+5491155550000"

    static func trip(_ id: String, flight: String, origin: String, destination: String, departure: String,
                     _ extra: [String: Value] = [:]) -> TripRecord {
        var document: [String: Value] = [
            "id": .string(id), "agency_id": "acme", "client_name": "Ana Pérez", "whatsapp": .string(number),
            "flight_number": .string(flight), "origin": .string(origin), "destination": .string(destination),
            "departure": .string(departure),
        ]
        document.merge(extra) { $1 }
        return try! TripRecord(trip: .object(document), agency: nil, instanceID: nil, at: start)
    }

    /// EZE → MAD, 22:05 Buenos Aires tonight, with two documents.
    static let madrid = trip("trip-mad", flight: "AR1140", origin: "EZE", destination: "MAD",
                             departure: "2026-07-08T22:05:00-03:00", [
                                 "documents": [["name": "Voucher", "url": "https://agency.example/v/1"],
                                               ["name": "Seguro", "url": "https://agency.example/s/2"]],
                             ])
    /// AEP → BRC the next morning: close to the Madrid trip.
    static let bariloche = trip("trip-brc", flight: "AR1662", origin: "AEP", destination: "BRC",
                                departure: "2026-07-09T09:00:00-03:00")
    /// EZE → FCO in October: the furthest.
    static let rome = trip("trip-fco", flight: "AR1140", origin: "EZE", destination: "FCO",
                           departure: "2026-10-01T22:05:00-03:00")

    static func run(
        body: String, fixtures: DryRunFixtures, from: String = number, media: [Value] = []
    ) async throws -> DryRunReport {
        let directory = WorkflowDirectory.load(path: workflows, catalogue: .standard)
        let flow = try directory.effectiveFlow("concierge", agency: nil)
        let settings = try directory.effectiveSettings(flow: "concierge", agency: nil)
        let input: Value = [
            "from": .string(from), "to": "+5491140000000", "body": .string(body), "media": .array(media),
            "message_sid": "SM-inbound-1", "profile_name": "Ana",
        ]
        return try await DryRun(flow: flow, input: input, settings: .object(settings), agency: nil, fixtures: fixtures,
                                start: start, product: TravelProduct()).run()
    }

    /// The inputs of every call of a step, in order.
    static func calls(_ report: DryRunReport, _ step: String) -> [Value] {
        report.history.filter { $0.kind == .stepCalled && $0.details["step"] == .string(step) }
            .map { $0.details["input"] ?? .null }
    }

    /// The bodies of every WhatsApp text sent.
    static func replies(_ report: DryRunReport) -> [String] {
        calls(report, "twilio.send_text").compactMap { $0["body"]?.stringValue }
    }

    /// An AeroAPI answer with AR1140 from EZE, scheduled 22:05 Buenos Aires.
    static func flight(estimatedOut: String?, delay: Int, gate: String?) -> DryRunFixtures.Answer {
        let flight: Value = [
            "ident": "ARG1140", "ident_iata": "AR1140", "fa_flight_id": "ARG1140-1783400000-airline-0001",
            "status": "Scheduled / Delayed", "cancelled": false, "diverted": false, "progress_percent": 0,
            "origin": ["code": "SAEZ", "code_icao": "SAEZ", "code_iata": "EZE",
                       "timezone": "America/Argentina/Buenos_Aires", "name": "Ministro Pistarini", "city": "Buenos Aires"],
            "destination": ["code": "LEMD", "code_icao": "LEMD", "code_iata": "MAD", "timezone": "Europe/Madrid",
                            "name": "Barajas", "city": "Madrid"],
            "scheduled_out": "2026-07-09T01:05:00Z", "estimated_out": estimatedOut.map(Value.string) ?? .null,
            "actual_out": .null, "scheduled_off": .null, "estimated_off": .null, "actual_off": .null,
            "scheduled_on": "2026-07-09T13:15:00Z", "estimated_on": .null, "actual_on": .null,
            "scheduled_in": .null, "estimated_in": .null, "actual_in": .null,
            "gate_origin": gate.map(Value.string) ?? .null, "gate_destination": .null,
            "terminal_origin": .null, "terminal_destination": .null,
            "departure_delay": .number(Double(delay)),
        ]
        return .init(from: nil, status: 200, body: ["flights": [flight], "links": .null, "num_pages": 1])
    }
}
