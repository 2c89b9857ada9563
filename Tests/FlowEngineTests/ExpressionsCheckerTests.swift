import Testing

@testable import FlowEngine

@Suite("Expression checker")
struct ExpressionsCheckerTests {
    static let scope = ExpressionScope(
        roots: ["input", "settings", "vars", "now", "instance"], settings: ["quiet_hours", "lead_time"],
        inputFields: ["trip", "name"], vars: ["flight"])

    /// The expression starts at line 4, column 12 of `flow.yaml`.
    static let start = SourceLocation(file: "flow.yaml", line: 4, column: 12)

    @Test(
        "each diagnostic code at its exact column",
        arguments: [
            ("input.trip +", "E301", 24),
            ("inptu.trip", "E302", 12),
            ("settings.quiet_hour", "E302", 21),
            ("settings['nope']", "E302", 21),
            ("input.passport", "E302", 18),
            ("vars.hotel", "E302", 17),
            ("frmat_time(now, 'UTC')", "E303", 12),
            ("upper('a', 'b')", "E304", 12),
            ("len()", "E304", 12),
            ("'a' - 1", "E305", 16),
            ("upper(5)", "E305", 12),
            ("instant('2026-07-08 10:00')", "E305", 12),
            ("-'x'", "E305", 12),
            ("airport('XXX').zone", "E306", 20),
        ])
    func diagnostic(text: String, code: String, column: Int) {
        let diagnostics = ExpressionChecking.check(ExpressionSource(text, at: Self.start), in: Self.scope)
        #expect(diagnostics.map(\.code.rawValue) == [code], "\(diagnostics)")
        #expect(diagnostics.first?.location == SourceLocation(file: "flow.yaml", line: 4, column: column))
    }

    @Test(
        "valid expressions produce nothing",
        arguments: [
            "input.trip.legs[0].origin", "settings.quiet_hours", "vars.flight.estimated_out ?? now",
            "format_human(now + 15m, airport(input.trip.origin).zone, input.trip.origin)",
            "airport('lhr').zone", "min(1, 2, 3)", "coalesce(input.name, 'viajero')", "instance.id",
            "{a: [1, 2], b: now}", "'a' + 1",
        ])
    func valid(text: String) {
        #expect(ExpressionChecking.check(ExpressionSource(text, at: Self.start), in: Self.scope) == [])
    }

    @Test("nil sets leave fields unchecked")
    func unchecked() {
        let open = ExpressionScope(roots: ["input", "settings", "vars"])
        #expect(
            ExpressionChecking.check(ExpressionSource("settings.x + input.y + vars.z", at: Self.start), in: open) == [])
    }

    @Test("a suggestion for a near miss")
    func suggestion() {
        let diagnostics = ExpressionChecking.check(
            ExpressionSource("settings.lead_tme", at: Self.start), in: Self.scope)
        #expect(diagnostics.first?.message.contains("did you mean 'lead_time'") == true)
    }

    @Test("several syntax errors in one expression")
    func severalSyntaxErrors() {
        let diagnostics = ExpressionChecking.check(ExpressionSource("f(1 +, 2 *)", at: Self.start), in: Self.scope)
        #expect(diagnostics.filter { $0.code == .expressionSyntax }.map(\.location.column) == [17, 22])
    }

    @Test("templates check every embedded expression")
    func template() {
        let template = ValueTemplate.interpolation(
            [
                .text("Hola "), .expression(ExpressionSource("input.nme", at: Self.start)), .text(", vuelo "),
                .expression(ExpressionSource("vars.flight.number", at: Self.start.advanced(byColumns: 30))),
            ], Self.start)
        let diagnostics = ExpressionChecking.check(template, in: Self.scope)
        #expect(diagnostics.map(\.code) == [.unknownName])
    }
}
