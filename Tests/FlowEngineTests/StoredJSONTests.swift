import Foundation
import Testing
@testable import FlowEngine

/// The direct stored-JSON coding against `JSONEncoder`/`JSONDecoder` through `Codable`, which
/// wrote every state stored before it: each must read what the other writes, and both must write
/// the same document (so a field added to the state but not to the direct coding fails here).
@Suite struct StoredJSONTests {
    static let at = Instant(iso8601: "2026-07-08T10:00:00.250Z")!
    static let arguments: Value = [
        "text": "line 1\nline \"2\" \\ / tab\t ñ 🛫 \u{01}", "n": 0.1, "big": 1.5e20, "neg": -3, "whole": 9.0e15,
        "tiny": 5e-324, "due": .instant(at), "span": .duration(.seconds(5400)), "none": nil, "flag": false,
        "list": [1, "two", [], [:]], "lookalike": ["$instant": "x", "other": 1],
    ]

    static func attempt(_ key: String?) -> Frame.StepAttempt {
        Frame.StepAttempt(callID: "i/c1", attempt: 2, firstAttemptAt: at, idempotencyKey: key, arguments: arguments)
    }

    static let phases: [Frame.Phase] = [
        .entering, .awaitingStep(attempt("k")), .awaitingStep(attempt(nil)), .retrying(attempt("k"), timer: "i/t1"),
        .sleeping(timer: "i/t2", due: at, deferredFrom: nil), .sleeping(timer: "i/t2", due: at, deferredFrom: at + .seconds(1)),
        .awaitingEvent(name: "gate", correlation: "BA245", timer: "i/t3"), .awaitingEvent(name: "gate", correlation: nil, timer: "t"),
        .awaitingApproval(id: "a1", timer: "i/t4"), .awaitingApproval(id: "a1", timer: nil),
        .joining(Frame.Join(running: ["f2", "f3"], results: ["a": 1, "b": .instant(at)], pendingItems: [3, 4],
                            items: ["x", 2, nil], failures: ["c": FlowError(.transient, message: "boom")])),
        .finished(output: ["ok": true]), .failed(FlowError(.permanent, code: "E1", message: "no \"way\"")),
        .paused(attempt("k"), error: FlowError(.transient, code: "twilio.20429", message: "slow down"), since: at),
        .paused(resumed(attempt(nil), after: 3), error: FlowError(.timeout, message: "late"), since: at + .seconds(2)),
    ]

    static func resumed(_ attempt: Frame.StepAttempt, after: Int) -> Frame.StepAttempt {
        var resumed = attempt
        resumed.resumedAfter = after
        return resumed
    }

    static var states: [InstanceState] {
        phases.enumerated().map { index, phase in
            var state = InstanceState(instanceID: "trip-1/flight", bindings: [
                "input": ["trip": ["id": "trip-1", "departure": .instant(at)]], "vars": ["count": 3, "late": nil],
            ])
            state.status = index % 2 == 0 ? .waiting : .running
            state.frames["root"] = Frame(
                id: "root", parent: nil, label: "", graphPath: [], state: "s\(index)", phase: phase,
                scope: ["index": 1], lastOutput: arguments)
            state.frames["child"] = Frame(
                id: "child", parent: "root", label: "b", graphPath: [.init(state: "p", branch: "b"), .init(state: "q")],
                state: "x", phase: .entering, scope: [:], lastOutput: nil)
            state.timers = ["i/t1": at, "i/t2": at + .seconds(60)]
            state.recentEvents = [ReceivedEvent(name: "gate", key: nil, payload: ["gate": "B32"], at: at),
                                  ReceivedEvent(name: "delay", key: "k", payload: nil, at: at)]
            state.counter = index * 7
            state.transitions = index
            state.output = index % 3 == 0 ? ["done": .duration(.seconds(90))] : nil
            state.failure = index % 4 == 1 ? FlowError(.timeout, message: "bad") : nil
            return state
        }
    }

    @Test(arguments: states)
    func readsWhatJSONEncoderWrote(state: InstanceState) throws {
        let old = String(decoding: try JSONEncoder().encode(state), as: UTF8.self)
        #expect(try InstanceState(storedJSON: old) == state)
    }

    @Test(arguments: states)
    func jsonDecoderReadsWhatIsWritten(state: InstanceState) throws {
        let new = try state.storedJSON()
        #expect(try JSONDecoder().decode(InstanceState.self, from: Data(new.utf8)) == state)
        #expect(try InstanceState(storedJSON: new) == state)
    }

    @Test(arguments: states)
    func sameDocumentAsJSONEncoder(state: InstanceState) throws {
        let old = String(decoding: try JSONEncoder().encode(state), as: UTF8.self)
        #expect(try StoredJSONReader.value(state.storedJSON()) == StoredJSONReader.value(old))
    }

    /// Text as main's `JSONEncoder` stored it (slashes escaped, `\u` escapes, whitespace).
    @Test func readsStoredTextOfEarlierVersions() throws {
        let text = #"""
            {"instanceID":"trip-1\/flight","status":"waiting","bindings":{"input":{"at":{"$instant":"2026-07-08T10:00:00Z"},"s":"caf\u00e9 \ud83d\udeeb"}},
             "frames":{"root":{"id":"root","label":"","graphPath":[],"state":"wait",
             "phase":{"sleeping":{"timer":"trip-1\/flight\/t1","due":"2026-07-08T12:00:00Z"}},"scope":{},"lastOutput":null}},
             "timers":{"trip-1\/flight\/t1":"2026-07-08T12:00:00Z"},"recentEvents":[],"counter":1,"transitions":2,"output":null}
            """#
        let state = try InstanceState(storedJSON: text)
        #expect(state == (try JSONDecoder().decode(InstanceState.self, from: Data(text.utf8))))
        #expect(state.bindings["input"]?["s"] == "café 🛫")
        #expect(state.timers["trip-1/flight/t1"] == Instant(iso8601: "2026-07-08T12:00:00Z"))
        #expect(state.output == nil)
    }

    @Test(arguments: [
        "", "{", "[1,]", "{\"a\" 1}", "\"\\x\"", "01", "1.", "tru", "{\"$instant\":\"2026-07-08\"}",
        "{\"$duration\":\"soon\"}", "1 2", "\"\\ud83d\"",
    ])
    func rejectsInvalidText(text: String) {
        #expect(throws: StoredJSONError.self) { try StoredJSONReader.value(text) }
    }

    @Test func missingMemberNamesItsPath() {
        let text = #"{"instanceID":"i","status":"running","bindings":{},"frames":{"root":{"id":"root"}},"timers":{},"#
            + #""recentEvents":[],"counter":0,"transitions":0}"#
        #expect { try InstanceState(storedJSON: text) } throws: { error in
            "\(error)".contains("state.frames.root.label")
        }
    }

    @Test(arguments: [Value](arrayLiteral: nil, true, 0, -0.0, 42, -7.5, 1e300, 0.1, 9.0e15, 8.9e15, "", "a/b\"c\\\n\u{7f}é",
                             .instant(at), .instant(Instant(epochMilliseconds: -1)), .duration(.seconds(5400)),
                             [1, [2, [3]]], ["b": 1, "a": ["$duration": "1h", "x": 2]], arguments))
    func valueMatchesCodable(value: Value) throws {
        let old = String(decoding: try JSONEncoder().encode(value), as: UTF8.self)
        let new = try value.storedJSON()
        #expect(try StoredJSONReader.value(old) == value)
        #expect(try StoredJSONReader.value(new) == value)
        #expect(try JSONDecoder().decode(Value.self, from: Data(new.utf8)) == value)
    }

    @Test func nonFiniteNumbersAreRejected() {
        #expect(throws: StoredJSONError.self) { try Value.number(.nan).storedJSON() }
        #expect(throws: StoredJSONError.self) { try Value.array([.number(.infinity)]).storedJSON() }
    }

    @Test(arguments: [
        ("2026-07-08T10:00:00Z", 0), ("2026-07-08T07:00:00.250-03:00", -10_800), ("1969-12-31T23:59:59.999Z", 0),
        ("2026-07-08T15:30:00+05:30", 19_800), ("0001-01-01T00:00:00Z", 0),
    ])
    func instantTextRoundTrips(text: String, offset: Int) throws {
        let instant = try #require(Instant(iso8601: text))
        #expect(instant.iso8601(offsetSeconds: offset) == text)
        var bytes: [UInt8] = []
        instant.writeISO8601(into: &bytes)
        #expect(String(decoding: bytes, as: UTF8.self) == instant.iso8601)
    }
}
