import FlowEngine
import FlowRuntime
import Travel
import Foundation
import Steps
import Testing

/// `itinerary.check` with `known_places`: a planned itinerary names only places the research found.
@Suite("Itinerary known places")
struct ItineraryKnownPlacesTests {
    static let known = ["Memmo Alfama", "Palácio da Pena", "Time Out Market Lisboa"]

    static func check(_ items: [Value], known: Value? = .array(known.map(Value.string)),
                      agencyPlaces: Value? = nil) -> StepOutcome {
        var arguments: [String: Value] = [
            "itinerary": ["days": [["date": "2026-09-10", "items": .array(items)]]],
            "first_day": "2026-09-10", "days": 1,
        ]
        if let known { arguments["known_places"] = known }
        if let agencyPlaces { arguments["agency_places"] = agencyPlaces }
        return ItineraryCheckStep().runPure(arguments)
    }

    static func item(_ title: String, _ type: String = "attraction", address: String = "Lisboa") -> Value {
        ["title": .string(title), "type": .string(type), "address": .string(address), "city": "Lisbon",
         "start_time": "10:00", "end_time": "12:00", "source": "suggested"]
    }

    static func errors(_ outcome: StepOutcome) -> [String]? {
        guard case .success(let result) = outcome else { return nil }
        return result["errors"]?.arrayValue?.compactMap(\.stringValue)
    }

    @Test("a place must name a known one; transport and other are not places", arguments: [
        (item("Palácio da Pena"), true),
        (item("palacio  da PENA"), true),                          // case, accents, spaces
        (item("Dinner at Time Out Market Lisboa", "restaurant"), true),   // contains the name as words
        (item("Check-in: Memmo Alfama!", "hotel"), true),          // punctuation
        (item("Hotel", "hotel", address: "Memmo Alfama, Travessa das Merceeiras 27"), true),  // by address
        (item("Oceanário de Lisboa"), false),
        (item("Pena"), false),                                     // a part of a name is not the place
        (item("Memmo Alfamaxx", "hotel"), false),                   // whole words only
        (item("Flight home", "transport"), true),
        (item("Free afternoon", "other"), true),
    ])
    func knownPlace(item: Value, valid: Bool) throws {
        let errors = try #require(Self.errors(Self.check([item])))
        #expect(errors.isEmpty == valid, "\(errors)")
        if !valid {
            let title = item["title"]?.stringValue ?? ""
            #expect(errors == ["day 1 item 1 (\(title)): not a place from the research (use the exact name of a stay "
                               + "or an activity)"])
        }
    }

    @Test("without known_places any place is fine (the itinerary flow's check is unchanged)")
    func absentMeansNoCheck() throws {
        #expect(try #require(Self.errors(Self.check([Self.item("Oceanário de Lisboa")], known: nil))).isEmpty)
        #expect(try #require(Self.errors(Self.check([Self.item("Oceanário de Lisboa")], known: .null))).isEmpty)
    }

    @Test("an agency place counts as known")
    func agencyPlaceIsKnown() throws {
        let places: Value = [["name": "Oceanário de Lisboa", "city": "Lisbon"]]
        let errors = try #require(Self.errors(Self.check([Self.item("Oceanário de Lisboa")], agencyPlaces: places)))
        #expect(errors.isEmpty)
    }

    @Test("known_places that is not a list of names is a bad argument", arguments: [
        ("Memmo Alfama" as Value, "argument 'known_places' must be a list of names, got string"),
        ([1] as Value, "argument 'known_places' item 0 must be a string, got number"),
    ])
    func badKnownPlaces(value: Value, message: String) {
        guard case .failure(let failure) = Self.check([Self.item("Memmo Alfama")], known: value) else {
            Issue.record("expected a failure")
            return
        }
        #expect(failure.errorClass == .permanent)
        #expect(failure.message.contains(message), "\(failure.message)")
    }
}
