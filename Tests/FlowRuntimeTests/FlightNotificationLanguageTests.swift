import FlowEngine
import FlowRuntime
import Travel
import Foundation
import Testing

/// The traveller's language (`domain/flight-notifications.md`: a trip field and an agency
/// setting, default `es`): the trip's `language` when the flow speaks it (es, en), else the
/// agency's `settings.language`. Each language has its own templates, SIDs, texts and formats.
@Suite struct FlightNotificationLanguageTests {
    typealias S = FlightScenario

    static let departed = S.flight(gate: "B32", actualOut: "2026-07-08T21:09:00Z", status: "En Route / On Time")
    static let arrived = S.flight(gate: "B32", actualOut: "2026-07-08T21:09:00Z", actualOn: "2026-07-09T05:01:00Z",
                                  status: "Arrived / Gate Arrival", progress: 100)
    /// No gate until boarding, a 40m delay announced at 19:05Z, a night landing.
    static let fixtures = DryRunFixtures(aeroapi: [
        S.answer("2026-07-08T00:00:00Z", S.flight()),
        S.answer("2026-07-08T19:00:00Z", S.flight(estimatedOut: "2026-07-08T21:45:00Z")),
        S.answer("2026-07-08T22:00:00Z", S.flight(estimatedOut: "2026-07-08T21:45:00Z",
                                                  actualOut: "2026-07-08T21:46:00Z", status: "En Route / Delayed")),
        S.answer("2026-07-09T05:00:00Z", arrived),
    ])

    static func trip(language: String?) -> Value {
        S.trip(departure: "2026-07-08T21:05:00Z", language.map { ["language": .string($0)] } ?? [:])
    }

    /// Each message as `TYPE template`.
    static func templates(_ report: DryRunReport) -> [String] {
        report.messages.map { "\($0["type"]?.stringValue ?? "-") \($0["template"]?.stringValue ?? "-")" }
    }

    static let english = [
        "RESERVATION_CONFIRMATION reservation_confirmation_en", "REMINDER_24H reminder_24h_en", "DELAYED delayed_en",
        "BOARDING boarding_en", "LANDING_WELCOME landing_welcome_en",
    ]
    static let spanish = [
        "RESERVATION_CONFIRMATION copy_confirmacion_reserva", "REMINDER_24H recordatorio_24h", "DELAYED demorado",
        "BOARDING embarcando", "LANDING_WELCOME landing_welcome_es",
    ]

    @Test func anEnglishTripGetsEnglishTemplatesAndVariables() async throws {
        let report = try await S.run(trip: Self.trip(language: "en"), fixtures: Self.fixtures)
        #expect(Self.templates(report) == Self.english)
        let m = report.messages
        #expect(m[0]["variables"] == ["1": "Ana", "2": "BA245", "3": "LHR", "4": "JFK", "5": "Wed 8 Jul 22:05 (LHR)"])
        #expect(m[1]["variables"] == ["1": "Ana", "2": "LHR", "3": "8 Jul 22:05", "4": "good weather for flying",
                                      "5": "JFK", "6": "Have a good trip!"])
        #expect(m[2]["variables"] == ["1": "Ana", "2": "BA245", "3": "Wed 8 Jul 22:45 (LHR)"])
        #expect(m[3]["variables"] == ["1": "BA245", "2": "Check the airport screens"])
        #expect(m[4]["variables"] == ["1": "New York", "2": "your booked accommodation"])
        // The English Content SIDs go to Twilio, not the Spanish ones.
        let sids = report.history.filter { $0.kind == .stepCalled && $0.details["step"] == "notify.send" }
            .compactMap { $0.details["input"]?["content_sid"]?.stringValue }
        #expect(sids.first == "HXc1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1")
        #expect(!sids.contains("HXb777321419cee086713f1cb529d7fe51"))
    }

    @Test func aSpanishTripIsUnchanged() async throws {
        let report = try await S.run(trip: Self.trip(language: "es"), fixtures: Self.fixtures)
        #expect(Self.templates(report) == Self.spanish)
        let m = report.messages
        #expect(m[0]["variables"]?["5"] == "Mié 8 Jul 22:05 hs (LHR)")
        #expect(m[1]["variables"]?["3"] == "8 Jul 22:05 hs")
        #expect(m[1]["variables"]?["6"] == "¡Buen viaje!")
        #expect(m[3]["variables"] == ["1": "BA245", "2": "Ver pantallas del aeropuerto"])
        #expect(m[4]["variables"] == ["1": "Nueva York", "2": "tu alojamiento reservado"])
    }

    /// Patagonia ships `language: en`; the default agency speaks Spanish. A trip language the flow
    /// does not speak (or none) falls back to the agency's; `EN` is `en`.
    @Test(arguments: [
        ("patagonia", nil, "reservation_confirmation_en"),
        ("patagonia", "es", "copy_confirmacion_reserva"),
        ("patagonia", "fr", "reservation_confirmation_en"),
        ("patagonia", "pt", "reservation_confirmation_en"),
        (nil, "fr", "copy_confirmacion_reserva"),
        (nil, nil, "copy_confirmacion_reserva"),
        (nil, "EN", "reservation_confirmation_en"),
    ] as [(String?, String?, String)])
    func theTripsLanguageElseTheAgencys(agency: String?, language: String?, template: String) async throws {
        let report = try await S.run(trip: Self.trip(language: language), agency: agency, fixtures: Self.fixtures)
        #expect(report.messages.first?["template"] == .string(template))
    }

    /// An agency overrides a template per type and per language: acme's Spanish boarding template
    /// does not apply to an English traveller, an English override does not touch Spanish ones.
    @Test func agencyTemplateOverridesArePerLanguage() async throws {
        let directory = try S.directory(agencies: [
            "acme": try String(contentsOfFile: S.workflows + "/agencies/acme.yaml", encoding: .utf8),
            "anglo": S.agency("anglo", "language: en", "template_boarding_en: anglo_boarding",
                              "sid_boarding_en: HXabababababababababababababababab"),
        ])
        #expect(directory.diagnostics.filter { $0.severity == .error }.isEmpty)
        func boarding(_ agency: String, _ language: String?) async throws -> String? {
            let report = try await S.run(trip: Self.trip(language: language), agency: agency, fixtures: Self.fixtures,
                                         directory: directory)
            return report.messages("BOARDING").first?["template"]?.stringValue
        }
        #expect(try await boarding("acme", nil) == "acme_embarque")
        #expect(try await boarding("acme", "en") == "boarding_en")
        #expect(try await boarding("anglo", nil) == "anglo_boarding")
        #expect(try await boarding("anglo", "es") == "embarcando")
    }

    /// Only the languages the flow speaks may be an agency's; template settings are strings.
    @Test(arguments: [
        ("language: pt", "O405"), ("language: fr", "O405"), ("template_boarding_en: 5", "O404"),
        ("sid_landing_en: [HX1]", "O404"),
    ])
    func languageOverridesAreValidated(line: String, code: String) throws {
        let directory = try S.directory(agencies: ["bad": S.agency("bad", line)])
        #expect(directory.diagnostics.filter { $0.severity == .error }.map(\.code.rawValue) == [code])
    }

    /// R35: every setting the flow declares is read somewhere in it.
    @Test func everySettingIsUsed() throws {
        let directory = WorkflowDirectory.load(path: S.workflows, catalogue: .standard)
        let loaded = try #require(directory.flows["flight-notifications"])
        let text = loaded.source.text
        let identifier = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "_"))
        var used: Set<String> = []
        var rest = text[...]
        while let range = rest.range(of: "settings.") {
            let name = rest[range.upperBound...].prefix { $0.unicodeScalars.allSatisfy(identifier.contains) }
            used.insert(String(name))
            rest = rest[range.upperBound...]
        }
        let unused = loaded.flow.settings.map(\.name.value).filter { !used.contains($0) }
        #expect(unused == [])
    }
}
