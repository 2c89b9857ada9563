import Foundation
import Synchronization

/// One airport of the IATA table shipped with the engine (`Resources/airports.tsv`).
public struct Airport: Sendable, Hashable {
    public var iata: String
    public var icao: String
    public var name: String
    /// The city in English, as the source data spells it.
    public var cityEnglish: String
    /// The city in Spanish (the metropolitan city for airports in a suburb, e.g. EZE → Buenos Aires).
    public var citySpanish: String
    /// ISO 3166-1 alpha-2.
    public var country: String
    /// IANA time zone.
    public var zone: String
    /// Decimal degrees north (WGS84), as the source data gives them.
    public var latitude: Double
    /// Decimal degrees east (WGS84), as the source data gives them.
    public var longitude: Double

    /// The object expressions see from `airport(code)`; `city` is the Spanish name.
    public var value: Value {
        .object([
            "iata": .string(iata), "icao": .string(icao), "name": .string(name), "city": .string(citySpanish),
            "city_en": .string(cityEnglish), "city_es": .string(citySpanish), "country": .string(country),
            "zone": .string(zone), "latitude": .number(latitude), "longitude": .number(longitude),
        ])
    }
}

/// Lookup in the airport table, loaded once on first use.
public enum Airports {
    /// The airport with this IATA code (case-insensitive), or nil.
    public static func lookup(_ code: String) -> Airport? {
        table[code.uppercased()]
    }

    /// Why `code` is refused where an airport is expected (the one wording for expressions, input and settings).
    public static func unknownCode(_ code: String) -> String {
        "'\(code)' is not a known IATA airport code"
    }

    /// Every airport, by IATA code.
    public static var all: [String: Airport] { table }

    /// `lookup(code)?.value`, made once per code as written and kept for the process (the table
    /// never changes): `airport(code)` runs on most state entries of a flight watch, and building
    /// the 8-key object each time was most of its cost.
    public static func value(of code: String) -> Value? {
        if let cached = values.withLock({ $0[code] }) { return cached }
        guard let airport = lookup(code) else { return nil }
        let value = airport.value
        values.withLock { table in
            // Bounded: a flow reads a handful of codes; a stream of odd ones must not grow it forever.
            if table.count >= 4_096 { table.removeAll(keepingCapacity: true) }
            table[code] = value
        }
        return value
    }

    private static let values = Mutex<[String: Value]>([:])

    private static let table: [String: Airport] = {
        guard let url = Bundle.module.url(forResource: "airports", withExtension: "tsv"),
            let text = try? String(contentsOf: url, encoding: .utf8)
        else { return [:] }
        var out: [String: Airport] = [:]
        out.reserveCapacity(8_000)
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard f.count == 9, let latitude = Double(f[7]), let longitude = Double(f[8]) else { continue }
            out[f[0]] = Airport(
                iata: f[0], icao: f[1], name: f[2], cityEnglish: f[3], citySpanish: f[4], country: f[5], zone: f[6],
                latitude: latitude, longitude: longitude)
        }
        return out
    }()
}
