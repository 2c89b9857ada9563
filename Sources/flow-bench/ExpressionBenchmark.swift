import FlowEngine

/// Evaluations per second of realistic expressions (a notification body's pieces and a `when`),
/// through the public API with the parse cache warm.
enum ExpressionBenchmark {
    static func run() -> String {
        let now = Instant(iso8601: "2026-07-08T21:05:00Z")!
        let context = EvaluationContext(bindings: [
            "now": .instant(now),
            "input": ["name": "Ana", "trip": ["origin": "LHR", "legs": [["flight": "BA245"], ["flight": "AR1133"]]]],
            "settings": ["delay_threshold": .duration(.minutes(30)), "quiet_hours": "20:00-09:00"],
            "vars": ["flight": ["estimated_out": .instant(now + .minutes(42)), "delay": .duration(.minutes(42))]],
        ])
        let at = SourceLocation(file: "bench.yaml", line: 1, column: 1)
        let cases: [(String, ExpressionSource)] = [
            (
                "condition",
                ExpressionSource(
                    "(vars.flight.delay ?? 0m) > settings.delay_threshold && len(input.trip.legs) > 0", at: at)
            ),
            ("member chain", ExpressionSource("input.trip.legs[1].flight ?? 'desconocido'", at: at)),
            (
                "format_human",
                ExpressionSource(
                    "format_human(vars.flight.estimated_out ?? now, airport(input.trip.origin).zone, input.trip.origin)",
                    at: at)
            ),
            (
                "send window",
                ExpressionSource(
                    "next_allowed(now + 15m, settings.quiet_hours, airport(input.trip.origin).zone)", at: at)
            ),
        ]
        let clock = ContinuousClock()
        var lines: [String] = ["expression evaluation (warm parse cache)"]
        for (name, source) in cases {
            let iterations = 100_000
            var sink = 0
            let elapsed = clock.measure {
                for _ in 0..<iterations {
                    if let value = try? ExpressionEvaluation.evaluate(source, in: context), value.isTruthy { sink += 1 }
                }
            }
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            let rate = Int(Double(iterations) / max(seconds, 1e-9))
            lines.append("  \(name): \(rate) evaluations/s (\(sink == iterations ? "ok" : "unexpected falsy result"))")
        }
        return lines.joined(separator: "\n")
    }
}
