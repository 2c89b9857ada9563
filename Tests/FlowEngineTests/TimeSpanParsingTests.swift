import Testing

@testable import FlowEngine

/// `TimeSpan(parsing:)` reads ASCII text on bytes and other text by characters; both agree.
struct TimeSpanParsingTests {
    static let cases: [(String, Int64?)] = [
        ("90s", 90_000), ("15m", 900_000), ("2h", 7_200_000), ("1d", 86_400_000), ("1w", 604_800_000),
        ("500ms", 500), ("1h30m", 5_400_000), ("1m500ms", 60_500), ("-15m", -900_000), (" 15m ", 900_000),
        ("\t2h\n", 7_200_000), ("0s", 0), ("2h\u{00A0}", 7_200_000), ("\u{2003}90s", 90_000),
        ("", nil), ("-", nil), ("  ", nil), ("5", nil), ("h", nil), ("5x", nil), ("1h 30m", nil), ("1h30", nil),
        ("--5s", nil), ("5S", nil), ("\u{FF12}h", nil), ("2h\u{00E9}", nil), ("99999999999999999999s", nil),
    ]

    @Test(arguments: cases)
    func parses(_ text: String, _ milliseconds: Int64?) {
        #expect(TimeSpan(parsing: text)?.milliseconds == milliseconds)
    }
}
