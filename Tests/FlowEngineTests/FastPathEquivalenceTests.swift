import Testing

@testable import FlowEngine

/// The session-5 fast paths of the expression evaluator give exactly what the code they replaced gave.
@Suite("Fast-path equivalence")
struct FastPathEquivalenceTests {
    let here = SourceLocation(file: "fast-path", line: 1, column: 1)

    @Test("airport(code) from the per-code cache is the object the table builds", arguments: [
        "LHR", "lhr", "Jfk", "EZE", "BRC", "gru", "LHR",
    ])
    func airportValue(code: String) throws {
        let built = try #require(Airports.lookup(code)).value
        // Twice: the first call may fill the cache, the second reads it.
        #expect(Airports.value(of: code) == built)
        #expect(Airports.value(of: code) == built)
        let evaluated = try ExpressionEvaluation.evaluate(
            .expression(ExpressionSource("airport(code)", at: here)),
            in: EvaluationContext(bindings: ["code": .string(code)]))
        #expect(evaluated == built)
    }

    @Test("unknown airport codes stay unknown", arguments: ["XXX", "", "LHRX", "12"])
    func unknownAirport(code: String) {
        #expect(Airports.value(of: code) == nil)
        #expect(Airports.value(of: code) == nil)
    }

    @Test("local_date's text is the padded interpolation", arguments: [
        (2026, 7, 8), (1, 1, 1), (0, 12, 31), (999, 2, 28), (9999, 12, 31), (10_000, 1, 1), (-1, 3, 4),
        (2024, 2, 29), (1970, 1, 1),
    ])
    func dateText(year: Int, month: Int, day: Int) {
        #expect(isoDateText(year: year, month: month, day: day) == "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))")
    }

    @Test("the evaluator's callable entries mirror the function table")
    func callableEntries() {
        #expect(Set(BuiltinFunctions.callable.keys) == Set(BuiltinFunctions.table.keys))
        for (name, function) in BuiltinFunctions.table {
            #expect(BuiltinFunctions.callable[name]?.arity == function.arity)
            #expect(BuiltinFunctions.callable[name]?.arityText == function.arityText)
        }
    }

    @Test("a member of a small object is found by comparing keys, as the table finds it", arguments: 0...12)
    func memberScan(size: Int) throws {
        var members: [String: Value] = [:]
        for i in 0..<size { members["k\(i)"] = .number(Double(i)) }
        // Canonically equivalent spellings are one key for the table; the scan must agree.
        members["caf\u{E9}"] = .string("precomposed")
        let object = Value.object(members)
        for field in (0...size + 1).map({ "k\($0)" }) + ["cafe\u{301}", "café", "missing", ""] {
            let expected = members[field] ?? .null
            let source = ExpressionSource("o[field]", at: here)
            let indexed = try ExpressionEvaluation.evaluate(
                .expression(source), in: EvaluationContext(bindings: ["o": object, "field": .string(field)]))
            #expect(indexed == expected)
            let evaluator = Evaluator(
                context: EvaluationContext(bindings: [:]), base: here)
            #expect(try evaluator.member(of: object, field, at: 0) == expected)
        }
    }
}
