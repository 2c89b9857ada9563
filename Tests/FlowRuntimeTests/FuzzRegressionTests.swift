import Foundation
import Testing
@testable import FlowRuntime
import FlowEngine

/// Inputs the parsers' fuzz targets (`fuzz/`, `docs/fuzzing.md`) made trap, kept as regressions;
/// the same inputs are under `fuzz/regressions/TARGET/`, which `scripts/fuzz.sh` replays.
@Suite struct FuzzRegressionTests {
    /// base64url without padding, as `PageCursor.encode` writes a cursor.
    static func cursor(_ plain: String) -> String {
        Data(plain.utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// sse-query: a `?cursor=` whose instant is Int64's extreme decoded, and binding it as a
    /// PostgreSQL `timestamptz` (microseconds since 2000) overflowed and trapped the daemon. A cursor's
    /// instant must be one an ISO-8601 text can name (years 0000–9999); others are not cursors (400).
    @Test(arguments: [
        "9223372036854775807.inst-1", "-9223372036854775808.doc-1", "253402300800000.x", "-62167219200001.x",
    ])
    func cursorOutsideTheInstantsOfTextIsRefused(plain: String) {
        #expect(PageCursor.decode(Self.cursor(plain)) == nil)
    }

    /// The range's ends still make cursors, and a cursor encodes back to itself.
    @Test(arguments: [Int64(-62_167_219_200_000), 0, 1_783_400_000_000, 253_402_300_799_999])
    func cursorAtTheEndsOfTheRangeReadsBack(milliseconds: Int64) {
        let cursor = InstanceCursor(createdAt: Instant(epochMilliseconds: milliseconds), id: "inst-1")
        #expect(PageCursor.decode(PageCursor.encode(cursor)) == cursor)
    }
}
