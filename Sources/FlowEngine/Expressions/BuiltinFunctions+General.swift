extension BuiltinFunctions {
    static let generalFunctions: [BuiltinFunction] = [
        extremum("min", wantLess: true, example: "min(3, 1, 2)  →  1"),
        extremum("max", wantLess: false, example: "max([2h, 30m])  →  2h"),
        function(
            "coalesce", 1...Int.max, "coalesce(a, b, …) -> any", "The first argument that is not null, else null.",
            example: "coalesce(null, 'x')  →  'x'"
        ) { a throws(EvaluationError) in a.values.first { !$0.isNull } ?? .null },
        function(
            "default", 2...2, "default(x, fallback) -> any", "x, or the fallback when x is null (same as `x ?? fallback`).",
            example: "default(null, 10m)  →  10m"
        ) { a throws(EvaluationError) in a[0].isNull ? a[1] : a[0] },
        function("is_null", 1...1, "is_null(x) -> bool", "Whether x is null.", example: "is_null(null)  →  true") {
            a throws(EvaluationError) in .bool(a[0].isNull)
        },
        function("abs", 1...1, "abs(x) -> number|duration", "Absolute value.", example: "abs(-2)  →  2") {
            a throws(EvaluationError) in
            if case .duration(let d) = a[0] { return .duration(TimeSpan(milliseconds: Swift.abs(d.milliseconds))) }
            return .number(Swift.abs(try a.number(0)))
        },
        function(
            "round", 1...2, "round(n, digits = 0) -> number", "Rounds half away from zero to the given decimals.",
            example: "round(2.345, 2)  →  2.35"
        ) { a throws(EvaluationError) in
            let n = try a.number(0)
            let digits = a.count > 1 ? try a.integer(1) : 0
            guard (0...10).contains(digits) else { throw a.failure("digits must be 0 to 10") }
            var scale = 1.0
            for _ in 0..<digits { scale *= 10 }
            return .number((n * scale).rounded(.toNearestOrAwayFromZero) / scale)
        },
        function("floor", 1...1, "floor(n) -> number", "Rounds down.", example: "floor(2.7)  →  2") {
            a throws(EvaluationError) in .number(try a.number(0).rounded(.down))
        },
        function("ceil", 1...1, "ceil(n) -> number", "Rounds up.", example: "ceil(2.1)  →  3") {
            a throws(EvaluationError) in .number(try a.number(0).rounded(.up))
        },
    ]

    private static func extremum(_ name: String, wantLess: Bool, example: String) -> BuiltinFunction {
        function(
            name, 1...Int.max, "\(name)(a, b, … | list) -> any",
            "The \(wantLess ? "smallest" : "largest") of the arguments, or of one list argument (numbers, strings, instants or durations); null for an empty list.",
            example: example
        ) { a throws(EvaluationError) in
            let items = a.count == 1 ? try a.list(0) : a.values
            guard var best = items.first else { return .null }
            for item in items.dropFirst() {
                guard let order = Operators.compare(item, best) else {
                    throw a.failure("cannot compare \(item.typeName) with \(best.typeName)")
                }
                if wantLess ? order < 0 : order > 0 { best = item }
            }
            return best
        }
    }
}
