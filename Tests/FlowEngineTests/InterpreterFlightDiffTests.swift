import FlowEngine
import Testing

private func snap(status: String = "Scheduled", est: String? = "2026-07-08T10:00:00Z", gate: String? = nil,
                  cancelled: Bool = false, diverted: Bool = false, actualOn: String? = nil) -> Value {
    [
        "status_parts": .array(status.split(separator: "/").map { .string($0.trimmingCharacters(in: .whitespaces)) }),
        "scheduled_out": .instant(.at("2026-07-08T10:00:00Z")),
        "estimated_out": est.map { .instant(.at($0)) } ?? .null, "gate_origin": gate.map(Value.string) ?? .null,
        "cancelled": .bool(cancelled), "diverted": .bool(diverted), "actual_on": actualOn.map { .instant(.at($0)) } ?? .null,
    ]
}

struct DiffCase: Sendable, CustomStringConvertible {
    var description: String
    var previous: Value?
    var current: Value
    /// delayed key, gate change, cancelled, diverted, landed
    var expected: String
}

private func outcome(_ result: Value) -> String {
    [result["delayed"]?["key"]?.stringValue ?? "-", result["gate_change"]?["gate"]?.stringValue ?? "-",
     result["cancelled"] == true ? "C" : "-", result["diverted"] == true ? "D" : "-", result["landed"] == true ? "L" : "-"]
        .joined(separator: " ")
}

let diffCases: [DiffCase] = [
    .init(description: "first look, on time", previous: nil, current: snap(), expected: "- - - - -"),
    .init(description: "30 min later than scheduled", previous: nil, current: snap(est: "2026-07-08T10:32:00Z"),
          expected: "2026-07-08T10:30:00Z - - - -"),
    .init(description: "10 min is under the threshold", previous: nil, current: snap(est: "2026-07-08T10:10:00Z"),
          expected: "- - - - -"),
    .init(description: "null estimate is no information", previous: snap(est: "2026-07-08T10:40:00Z"),
          current: snap(est: nil), expected: "- - - - -"),
    .init(description: "same notified estimate again announces nothing", previous: snap(est: "2026-07-08T10:40:00Z"),
          current: snap(status: "Scheduled / Delayed", est: "2026-07-08T10:40:00Z"), expected: "- - - - -"),
    .init(description: "first gate is not a change", previous: snap(), current: snap(gate: "A13"), expected: "- - - - -"),
    .init(description: "gate change", previous: snap(gate: "A13"), current: snap(gate: "B7"), expected: "- B7 - - -"),
    .init(description: "cancelled once", previous: snap(), current: snap(cancelled: true), expected: "- - C - -"),
    .init(description: "cancelled again is not news", previous: snap(cancelled: true), current: snap(cancelled: true),
          expected: "- - - - -"),
    .init(description: "diverted, no welcome", previous: snap(), current: snap(status: "Diverted", diverted: true,
                                                                                 actualOn: "2026-07-08T14:00:00Z"),
          expected: "- - - D -"),
    .init(description: "landed by status", previous: snap(), current: snap(status: "Arrived / Gate Arrival"),
          expected: "- - - - L"),
]

@Test(arguments: diffCases)
func flightDiff(_ testCase: DiffCase) {
    #expect(outcome(FlightDiff.evaluate(previous: testCase.previous, current: testCase.current)) == testCase.expected)
}

@Test func flightDiffKeepsTheLastNotifiedEstimateThroughANull() {
    let first = FlightDiff.evaluate(previous: nil, current: snap(est: "2026-07-08T10:40:00Z"))
    let gap = FlightDiff.evaluate(previous: first["notified"], current: snap(est: nil))
    let back = FlightDiff.evaluate(previous: gap["notified"], current: snap(est: "2026-07-08T10:40:00Z"))
    #expect(outcome(first) == "2026-07-08T10:40:00Z - - - -")
    #expect(outcome(gap) == "- - - - -")
    #expect(outcome(back) == "- - - - -")
}

import Foundation
