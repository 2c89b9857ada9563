import FlowEngine
import Testing

@Suite("Airports")
struct AirportTests {
    @Test(
        "known airports",
        arguments: [
            ("LHR", "Europe/London", "Londres", "GB"),
            ("BRC", "America/Argentina/Salta", "Bariloche", "AR"),
            ("CPH", "Europe/Copenhagen", "Copenhague", "DK"),
            ("SIN", "Asia/Singapore", "Singapur", "SG"),
            ("MDE", "America/Bogota", "Medellín", "CO"),
            ("EZE", "America/Argentina/Buenos_Aires", "Buenos Aires", "AR"),
            ("gru", "America/Sao_Paulo", "São Paulo", "BR"),
        ])
    func known(code: String, zone: String, citySpanish: String, country: String) throws {
        let airport = try #require(Airports.lookup(code))
        #expect(airport.iata == code.uppercased())
        #expect(airport.zone == zone)
        #expect(airport.citySpanish == citySpanish)
        #expect(airport.country == country)
        #expect(ZoneRules(identifier: airport.zone) != nil)
    }

    @Test("unknown codes are nil", arguments: ["XXX", "", "LHRX", "12"])
    func unknown(code: String) {
        #expect(Airports.lookup(code) == nil)
    }

    @Test("the table is loaded whole")
    func count() {
        #expect(Airports.all.count > 7_000)
    }

    @Test("the airport type: known codes in any case (upper-cased when typed), unknown codes and non-text refused")
    func airportType() {
        #expect(ValueType(name: "airport") == .airport)
        #expect(ValueType.airport.accepts("lhr") && ValueType.airport.accepts("LHR"))
        #expect(!ValueType.airport.accepts("XQZ") && !ValueType.airport.accepts(3) && !ValueType.airport.accepts(.null))
        #expect(ValueType.optional(.airport).accepts(.null))
        #expect(DeclaredTypes.coerce("lhr", to: .airport) == "LHR")
        #expect(DeclaredTypes.coerce("lhr", to: .optional(.airport)) == "LHR")
    }

    @Test("a setting of type airport with an unknown default is reported at the default")
    func airportSetting() {
        let text = """
            flow: demo
            version: 1
            settings:
              home: { type: airport, default: XQZ }
              away: { type: airport, default: mad }
            start: done
            states:
              done: { succeed: true }
            """
        let (_, diagnostics) = FlowValidator(catalogue: .standard).validate(SourceFile(path: "demo.yaml", text: text))
        let rendered = diagnostics.map { "\($0.location.line): \($0.message)" }
        #expect(rendered.contains { $0.hasPrefix("4: ") && $0.contains("'XQZ' is not a known IATA airport code") }, "\(rendered)")
        #expect(!rendered.contains { $0.contains("mad") }, "\(rendered)")
    }
}
