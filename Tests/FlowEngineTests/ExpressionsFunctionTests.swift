import Foundation
import Testing

@testable import FlowEngine

@Suite("Expression built-in functions")
struct ExpressionsFunctionTests {
    static func instant(_ text: String) -> Value { .instant(Instant(iso8601: text)!) }

    static let cases: [(String, Value)] = [
        // time
        ("instant('2026-07-08T07:00:00-03:00')", instant("2026-07-08T10:00:00Z")),
        ("is_instant('2026-07-08T07:00:00-03:00')", true),
        ("is_instant('2026-07-08T07:00:00')", false),
        ("is_instant(instant('2026-07-08T07:00:00Z'))", true),
        ("is_instant('tomorrow')", false),
        ("is_instant(null)", false),
        ("is_instant(3)", false),
        ("duration('1h30m')", .duration(.minutes(90))),
        ("from_local('2026-07-08T22:05', 'Europe/London')", instant("2026-07-08T21:05:00Z")),
        ("from_local('2026-03-08T02:30:00', 'America/New_York')", instant("2026-03-08T07:30:00Z")),
        ("from_local('2026-11-01T01:30', 'America/New_York')", instant("2026-11-01T05:30:00Z")),
        ("to_local(instant('2026-07-08T21:05:00Z'), 'Europe/London')", "2026-07-08T22:05:00+01:00"),
        ("to_local(instant('2026-07-08T21:05:00Z'), 'America/Argentina/Buenos_Aires')", "2026-07-08T18:05:00-03:00"),
        ("local_date(instant('2026-07-09T02:00:00Z'), 'America/Argentina/Buenos_Aires')", "2026-07-08"),
        ("local_hour(instant('2026-07-08T21:05:00Z'), 'Europe/London')", 22),
        ("round_to(instant('2026-07-08T10:07:31Z'), 15m)", instant("2026-07-08T10:15:00Z")),
        ("round_to(instant('2026-07-08T10:07:29Z'), 15m)", instant("2026-07-08T10:00:00Z")),
        ("floor_to(instant('2026-07-08T10:59:00Z'), 1h)", instant("2026-07-08T10:00:00Z")),
        ("hours(1.5)", .duration(.minutes(90))),
        ("minutes(90)", .duration(.minutes(90))),
        ("seconds(45)", .duration(.seconds(45))),
        ("days(2)", .duration(.days(2))),
        ("in_seconds(1h30m)", 5400),
        ("format_human(instant('2026-07-08T21:05:00Z'), 'Europe/London', 'LHR')", "Mié 8 Jul 22:05 hs (LHR)"),
        ("format_local(instant('2026-07-08T14:30:00Z'), 'America/Argentina/Buenos_Aires')", "8 Jul 11:30 hs"),
        ("format_time(instant('2026-07-08T21:05:00Z'), 'Europe/London')", "22:05"),
        ("airport('eze').city", "Buenos Aires"),
        ("airport('MDE').city_en", "Medellín"),
        ("airport('EZE').city_en", "Buenos Aires"),
        ("airport('YYZ').city_en", "Toronto"),
        ("airport('VCE').city_es", "Venecia"),
        ("airport('LHR').zone", "Europe/London"),
        ("in_window(instant('2026-07-08T23:30:00Z'), '20:00-09:00', 'Europe/London')", true),
        ("in_window(instant('2026-07-08T12:00:00Z'), '20:00-09:00', 'Europe/London')", false),
        (
            "next_allowed(instant('2026-07-08T23:30:00Z'), '20:00-09:00', 'Europe/London')",
            instant("2026-07-09T08:00:00Z")
        ),
        (
            "next_allowed(instant('2026-07-08T12:00:00Z'), '20:00-09:00', 'Europe/London')",
            instant("2026-07-08T12:00:00Z")
        ),
        (
            "last_allowed_before(instant('2026-07-08T23:30:00Z'), '20:00-09:00', 'Europe/London')",
            instant("2026-07-08T18:59:00Z")
        ),
        (
            "last_allowed_before(instant('2026-07-09T07:30:00Z'), '20:00-09:00', 'Europe/London')",
            instant("2026-07-08T18:59:00Z")
        ),
        // days and languages
        ("start_of_next_day(instant('2026-07-08T20:45:00Z'), 'Europe/London')", instant("2026-07-08T23:00:00Z")),
        // 09:00 in Madrid: 07:00Z in summer time, 08:00Z from the Sunday clocks go back (2026-10-25).
        ("next_cron('0 9 * * *', instant('2026-10-24T06:00:00Z'), 'Europe/Madrid')", instant("2026-10-24T07:00:00Z")),
        ("next_cron('0 9 * * *', instant('2026-10-24T07:00:00Z'), 'Europe/Madrid')", instant("2026-10-25T08:00:00Z")),
        // 02:30 does not exist on 2026-03-29 in Madrid: the first instant after the gap.
        ("next_cron('30 2 * * *', instant('2026-03-28T12:00:00Z'), 'Europe/Madrid')", instant("2026-03-29T01:00:00Z")),
        ("next_cron('0 10 * * 1', instant('2026-12-07T09:00:00Z'), 'UTC')", instant("2026-12-07T10:00:00Z")),
        ("start_of_next_day(instant('2026-07-08T23:00:00Z'), 'Europe/London')", instant("2026-07-09T23:00:00Z")),
        ("start_of_next_day(instant('2026-07-09T02:00:00Z'), 'America/Argentina/Buenos_Aires')",
         instant("2026-07-09T03:00:00Z")),
        (
            "format_human_in(instant('2026-07-08T21:05:00Z'), 'Europe/London', 'LHR', 'en')",
            "Wed 8 Jul 22:05 (LHR)"
        ),
        (
            "format_human_in(instant('2026-07-08T21:05:00Z'), 'Europe/London', 'LHR', 'es')",
            "Mié 8 Jul 22:05 hs (LHR)"
        ),
        ("format_local_in(instant('2026-07-08T14:30:00Z'), 'America/Argentina/Buenos_Aires', 'en')", "8 Jul 11:30"),
        ("format_local_in(instant('2026-07-08T14:30:00Z'), 'America/Argentina/Buenos_Aires', 'es')", "8 Jul 11:30 hs"),
        // strings
        ("upper('eze')", "EZE"), ("lower('LHR')", "lhr"), ("trim('  hola ')", "hola"),
        ("contains('AR1234', 'AR')", true), ("contains([1, 2], 2)", true), ("contains({a: 1}, 'b')", false),
        ("starts_with('AR1234', 'AR')", true), ("ends_with('foto.jpg', '.png')", false),
        ("replace('a-b-c', '-', '/')", "a/b/c"), ("split('EZE,MAD', ',')", ["EZE", "MAD"]),
        ("join(['EZE', 'MAD'], ' → ')", "EZE → MAD"), ("join([1, 2])", "12"),
        ("len('ñandú')", 5), ("substring('AR1234', 2, 2)", "12"), ("substring('AR1234', 4)", "34"),
        ("string(42)", "42"), ("string(15m)", "15m"), ("number('12.5')", 12.5),
        ("json({b: 1, a: [true, null]})", "{\"a\":[true,null],\"b\":1}"),
        // lists and objects
        ("len([1, 2, 3])", 3), ("len({a: 1})", 1), ("len(null)", 0), ("first([3, 4])", 3), ("last([3, 4])", 4),
        ("first([])", nil), ("at(['a', 'b'], -1)", "b"), ("at(['a'], 3)", nil),
        ("keys({b: 1, a: 2})", ["a", "b"]), ("values({b: 1, a: 2})", [2, 1]),
        ("has({a: 1, b: null}, 'a')", true), ("has({a: 1, b: null}, 'b')", false),
        ("slice([1, 2, 3, 4], 1, 3)", [2, 3]), ("slice([1, 2, 3, 4], -2)", [3, 4]), ("slice('abcdef', 1, 3)", "bc"),
        ("sort([3, 1, 2])", [1, 2, 3]), ("sort([{n: 2}, {n: 1}], 'n')", [["n": 1], ["n": 2]]),
        ("unique([1, 2, 1])", [1, 2]), ("sum([1, 2, 3])", 6), ("sum([1h, 30m])", .duration(.minutes(90))),
        ("sum([])", 0), ("count(['ok', null, 'ok'])", 2), ("count(['ok', 'late', 'ok'], 'ok')", 2),
        ("pluck([{code: 'EZE'}, {code: 'MAD'}, {}], 'code')", ["EZE", "MAD", nil]),
        ("where([{s: 'ok', n: 1}, {s: 'late', n: 2}], 's', 'ok')", [["s": "ok", "n": 1]]),
        // general
        ("min(3, 1, 2)", 1), ("max([2h, 30m])", .duration(.hours(2))), ("min([])", nil),
        ("coalesce(null, null, 'x')", "x"), ("coalesce(null)", nil), ("default(null, 10m)", .duration(.minutes(10))),
        ("default(0, 10)", 0), ("is_null(null)", true), ("is_null(0)", false), ("abs(-2)", 2),
        ("abs(-5m)", .duration(.minutes(5))),
        ("round(2.345, 2)", 2.35), ("round(2.5)", 3), ("floor(2.7)", 2), ("ceil(2.1)", 3),
        ("matches_keyword('Viajo a Chile', ['hi'])", false), ("matches_keyword('¿Información?', 'informacion')", true),
        ("limit_words('uno dos, tres', 2)", "uno dos…"), ("limit_words('uno dos', 2)", "uno dos"),
        ("is_date('2026-09-10')", true), ("is_date('2028-02-29')", true), ("is_date('2026-02-29')", false),
        ("is_date('2026-9-10')", false), ("is_date('10/09/2026')", false), ("is_date(null)", false),
        ("is_date(20260910)", false),
        ("days_between('2026-09-10', '2026-09-13')", 3), ("days_between('2026-12-31', '2027-01-01')", 1),
        ("days_between('2026-09-13', '2026-09-10')", -3), ("days_between('2026-03-28', '2026-03-30')", 2),
        ("add_days('2026-09-10', 3)", "2026-09-13"), ("add_days('2026-02-27', 2)", "2026-03-01"),
        ("add_days('2026-01-01', -1)", "2025-12-31"), ("add_days('2028-02-28', 1)", "2028-02-29"),
    ]

    @Test("every function", arguments: cases)
    func function(text: String, expected: Value) throws {
        let value = try ExpressionEvaluation.evaluate(
            ExpressionSource(text, at: .unknown()), in: EvaluationContext(bindings: [:]))
        #expect(value == expected)
    }

    @Test("every function in the table has a test case and a documented example")
    func coverage() throws {
        let tested = Set(
            Self.cases.flatMap { case_ in
                BuiltinFunctions.all.map(\.name).filter { case_.0.contains("\($0)(") }
            })
        for function in BuiltinFunctions.all {
            #expect(tested.contains(function.name), "no test calls \(function.name)")
            #expect(function.example.contains("\(function.name)("), "\(function.name) example")
        }
        let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/expressions.md")
        let text = try String(contentsOf: docs, encoding: .utf8)
        for function in BuiltinFunctions.all {
            let cell = function.signature.replacingOccurrences(of: "|", with: "\\|")
            #expect(text.contains("`\(cell)`"), "docs/expressions.md lacks \(function.name)")
        }
    }

    @Test(
        "wrong argument types are errors naming the function",
        arguments: [
            "len(5)", "sum([1, 'a'])", "sort([1, 'a'])", "min(1, 'a')", "number('abc')", "round_to(now, 0s)",
            "from_local('2026-07-08T10:00:00Z', 'UTC')", "split('a', '')", "keys([1])", "format_time(1, 'UTC')",
            "start_of_next_day('2026-07-08', 'UTC')", "start_of_next_day(now, 'Mars/Olympus')",
            "next_cron('0 25 * * *', now, 'UTC')", "next_cron('0 0 31 2 *', now, 'UTC')", "next_cron('0 9 * * *', now, 'Mars/Olympus')",
            "format_human_in(now, 'UTC', 'LHR', 'pt')", "format_local_in(now, 'UTC', 'EN')",
            "days_between('2026-09-10', 'September 13')", "days_between(1, '2026-09-13')", "add_days('2026-02-30', 1)",
            "add_days('2026-09-10', 1.5)",
        ])
    func wrongTypes(text: String) {
        let name = String(text.prefix { $0 != "(" })
        #expect {
            try ExpressionEvaluation.evaluate(
                ExpressionSource(text, at: .unknown()),
                in: EvaluationContext(bindings: ["now": .instant(Instant(epochSeconds: 0))]))
        } throws: { error in
            (error as? EvaluationError)?.message.hasPrefix("\(name):") == true
        }
    }
}
