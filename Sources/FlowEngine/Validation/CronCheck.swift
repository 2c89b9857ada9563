/// Minimal five-field cron checking (minute hour day-of-month month day-of-week): field count,
/// `*`, lists, ranges, steps and names, each within its range.
enum CronCheck {
    private static let fields: [(name: String, range: ClosedRange<Int>, names: [String])] = [
        ("minute", 0...59, []),
        ("hour", 0...23, []),
        ("day of month", 1...31, []),
        ("month", 1...12, ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]),
        ("day of week", 0...7, ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]),
    ]

    /// Why the expression is invalid, or nil when it is fine.
    static func problem(in expression: String) -> String? {
        let parts = expression.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard parts.count == 5 else { return "expected 5 fields (minute hour day month weekday), found \(parts.count)" }
        for (part, field) in zip(parts, fields) {
            for item in part.split(separator: ",", omittingEmptySubsequences: false) {
                if let problem = check(item, field) { return "\(field.name) '\(part)': \(problem)" }
            }
        }
        return nil
    }

    private static func check(_ item: Substring, _ field: (name: String, range: ClosedRange<Int>, names: [String])) -> String? {
        let stepParts = item.split(separator: "/", omittingEmptySubsequences: false)
        guard stepParts.count <= 2 else { return "too many '/'" }
        if stepParts.count == 2 {
            guard let step = Int(stepParts[1]), step >= 1 else { return "a step must be a positive number" }
        }
        let base = stepParts[0]
        if base == "*" { return nil }
        let bounds = base.split(separator: "-", omittingEmptySubsequences: false)
        guard (1...2).contains(bounds.count) else { return "bad range" }
        var values: [Int] = []
        for bound in bounds {
            if let n = Int(bound) { values.append(n) }
            else if let index = field.names.firstIndex(of: bound.lowercased()) {
                values.append(index + (field.range.lowerBound == 1 ? 1 : 0))
            } else { return "'\(bound)' is not a number" }
        }
        for n in values where !field.range.contains(n) {
            return "\(n) is outside \(field.range.lowerBound)–\(field.range.upperBound)"
        }
        if values.count == 2, values[0] > values[1] { return "range start after its end" }
        return nil
    }
}
