import FlowEngine
import FuzzSupport

/// Fuzzes the expression language: every input is the text between `${{` and `}}`. It is lexed
/// and parsed (`ExpressionSource` parses when made), checked as the validator checks it (names,
/// functions, arities, literal folding) in a flow's scope, and evaluated against an instance's
/// bindings, as the interpreter evaluates it. Only traps count: diagnostics and evaluation errors
/// are the expected answers to bad expressions.

/// A flow's scope: its declared settings, input fields and saved names.
let scope = ExpressionScope(
    roots: ["input", "settings", "vars", "instance", "now", "error", "event", "item"],
    settings: ["quiet_hours", "reminder_before", "language"], inputFields: ["trip"], vars: ["flight", "plan"])

/// An instance's bindings, with a value of every kind.
let context = EvaluationContext(bindings: [
    "input": [
        "trip": [
            "id": "trip-1", "agency_id": "acme", "client_name": "Ana", "whatsapp": "+447700900123",
            "flight_number": "BA245", "origin": "LHR", "destination": "JFK",
            "departure": .instant(Instant(epochMilliseconds: 1_783_544_700_000)), "passengers": 2,
            "tags": ["vip", "late"],
        ],
    ],
    "settings": [
        "quiet_hours": "20:00-09:00", "reminder_before": .duration(.hours(24)), "language": "es",
    ],
    "vars": ["flight": ["status": "Scheduled", "delay": .duration(.minutes(35)), "gate": .null], "plan": .null],
    "instance": ["id": "inst-1", "agency": "acme"],
    "now": .instant(Instant(epochMilliseconds: 1_783_400_000_000)),
    "error": ["class": "transient", "message": "timeout"],
    "event": ["name": "trip.updated", "payload": ["gate": "B12"]],
    "item": ["n": 3, "at": .instant(Instant(epochMilliseconds: 0))],
])

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzExpression(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let source = ExpressionSource(FuzzInput(data, count).text, at: SourceLocation(file: "fuzz.yaml", line: 3, column: 9))
    let diagnostics = ExpressionChecking.check(source, in: scope)
    for diagnostic in diagnostics {
        invariant(diagnostic.location.line == 3 && diagnostic.location.column >= 9, "diagnostic before the expression")
    }
    if let value = try? ExpressionEvaluation.evaluate(source, in: context) {
        _ = value.interpolationText
        _ = value.jsonText
    }
    return 0
}
