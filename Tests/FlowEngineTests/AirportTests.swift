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
}
