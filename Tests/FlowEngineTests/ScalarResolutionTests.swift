import Testing

@testable import FlowEngine

/// Plain YAML scalars resolve by the YAML 1.2 core schema; everything else stays text.
struct ScalarResolutionTests {
    static let cases: [(String, Value)] = [
        ("", .null), ("~", .null), ("null", .null), ("Null", .null), ("NULL", .null), ("nULL", .string("nULL")),
        ("true", .bool(true)), ("True", .bool(true)), ("FALSE", .bool(false)), ("false", .bool(false)),
        (".inf", .number(.infinity)), ("+.inf", .number(.infinity)), ("-.INF", .number(-.infinity)),
        ("0", .number(0)), ("42", .number(42)), ("-7", .number(-7)), ("+3.5", .number(3.5)),
        (".5", .number(0.5)), ("1e3", .number(1000)), ("2.5E-1", .number(0.25)), ("0x1F", .number(31)),
        ("0o17", .number(15)), ("0xZZ", .string("0xZZ")), ("1e", .string("1e")), (".", .string(".")),
        ("-", .string("-")), ("5s", .string("5s")), ("2h", .string("2h")), ("1.2.3", .string("1.2.3")),
        ("12:30", .string("12:30")), ("trueish", .string("trueish")), ("1\u{0661}", .string("1\u{0661}")),
        ("word", .string("word")), ("\u{00E9}t\u{00E9}", .string("\u{00E9}t\u{00E9}")),
    ]

    @Test(arguments: cases)
    func resolves(_ text: String, _ expected: Value) {
        #expect(ScalarResolution.value(of: text) == expected)
    }
}
