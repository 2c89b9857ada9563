extension BuiltinFunctions {
    /// Calendar dates written `YYYY-MM-DD` (a trip's days), with no zone and no time.
    static let dateFunctions: [BuiltinFunction] = [
        function(
            "is_date", 1...1, "is_date(x) -> bool",
            "Whether x is a string holding a calendar date YYYY-MM-DD that exists (2026-02-30 does not); null is false.",
            example: "is_date('2026-09-10')  →  true"
        ) { a throws(EvaluationError) in
            .bool(a[0].stringValue.flatMap(CivilDate.init(dateText:)) != nil)
        },
        function(
            "days_between", 2...2, "days_between(from, to) -> number",
            "Whole calendar days from the date from to the date to (YYYY-MM-DD); negative when to is earlier.",
            example: "days_between('2026-09-10', '2026-09-13')  →  3"
        ) { a throws(EvaluationError) in
            .number(Double(try a.date(1).daysSinceEpoch - (try a.date(0).daysSinceEpoch)))
        },
        function(
            "add_days", 2...2, "add_days(date, n) -> string",
            "The date n whole days later (earlier when n is negative), YYYY-MM-DD.",
            example: "add_days('2026-09-10', 3)  →  '2026-09-13'"
        ) { a throws(EvaluationError) in
            .string(CivilDate(daysSinceEpoch: try a.date(0).daysSinceEpoch + (try a.integer(1))).dateText)
        },
    ]
}

extension BuiltinArguments {
    /// Argument `i` as a calendar date written `YYYY-MM-DD`.
    func date(_ i: Int) throws(EvaluationError) -> CivilDate {
        let text = try string(i)
        guard let date = CivilDate(dateText: text) else {
            throw failure("argument \(i + 1) must be a date YYYY-MM-DD, got '\(text)'")
        }
        return date
    }
}

extension CivilDate {
    /// A strict `YYYY-MM-DD` of a day that exists, else nil.
    init?(dateText text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
              (1...12).contains(month), day >= 1, day <= CivilDate.daysIn(month: month, year: year)
        else { return nil }
        self.init(year: year, month: month, day: day)
    }

    /// `YYYY-MM-DD`.
    var dateText: String {
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(year)-\(two(month))-\(two(day))"
    }
}
