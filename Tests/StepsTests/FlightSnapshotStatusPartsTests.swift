import Testing

@testable import Steps

/// `FlightSnapshot.statusParts` splits ASCII status text on bytes; it must agree with splitting
/// by characters and trimming white space (the general path, used for other text).
struct FlightSnapshotStatusPartsTests {
    static func byCharacters(_ status: String) -> [String] {
        status.split(separator: "/").map { part in
            var s = Substring(part)
            while let f = s.first, f.isWhitespace { s = s.dropFirst() }
            while let l = s.last, l.isWhitespace { s = s.dropLast() }
            return String(s)
        }.filter { !$0.isEmpty }
    }

    @Test(arguments: [
        ("Scheduled / Delayed", ["Scheduled", "Delayed"]),
        ("En Route / On Time", ["En Route", "On Time"]),
        ("Arrived / Gate Arrival", ["Arrived", "Gate Arrival"]),
        ("Cancelled", ["Cancelled"]),
        ("", []),
        ("/", []),
        (" / / ", []),
        ("  Landed  /\tTaxiing\r\n", ["Landed", "Taxiing"]),
        ("a//b/", ["a", "b"]),
        ("Retrasado / Aterrizó", ["Retrasado", "Aterrizó"]),
        ("\u{00A0}Desviado\u{00A0}/ x", ["Desviado", "x"]),
    ])
    func splitsLikeCharacters(_ status: String, _ expected: [String]) {
        #expect(FlightSnapshot.statusParts(status) == expected)
        #expect(FlightSnapshot.statusParts(status) == Self.byCharacters(status))
    }
}
