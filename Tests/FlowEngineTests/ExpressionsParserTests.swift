import Testing

@testable import FlowEngine

@Suite("Expression parser")
struct ExpressionsParserTests {
    @Test(
        "precedence and shape",
        arguments: [
            ("1 + 2 * 3", "(1 + (2 * 3))"),
            ("(1 + 2) * 3", "((1 + 2) * 3)"),
            ("a ?? b || c", "(a ?? (b || c))"),
            ("a || b && c", "(a || (b && c))"),
            ("a == b < c", "(a == (b < c))"),
            ("!a && -b", "(!a && -b)"),
            ("c ? a : b ? d : e", "(c ? a : (b ? d : e))"),
            ("input.trip.legs[0].origin", "input.trip.legs[0].origin"),
            ("f(x, 'y')", "f(x, \"y\")"),
            ("[1, 2,]", "[1, 2]"),
            ("{a: 1, \"b c\": 2}", "{a: 1, b c: 2}"),
            ("x.null", "x.null"),
        ])
    func shape(text: String, expected: String) {
        let parsed = ExpressionParser.parse(text)
        #expect(parsed.errors.isEmpty, "\(parsed.errors)")
        #expect(render(parsed.expression) == expected)
    }

    @Test(
        "several syntax errors, each at its offset",
        arguments: [
            ("f(1 +, 2 *)", [5, 10]),
            ("[1 2, 3 +]", [3, 9]),
            ("a +", [3]),
            ("", [0]),
            ("a b", [2]),
            ("{a 1, b: }", [3, 9]),
            ("(a + b", [6]),
            ("x[1", [3]),
            ("c ? a", [5]),
            ("a = 1 + #", [2, 8]),
        ])
    func errors(text: String, offsets: [Int]) {
        let parsed = ExpressionParser.parse(text)
        #expect(parsed.errors.map(\.offset) == offsets, "\(parsed.errors)")
    }

    @Test("nesting is bounded, not a stack overflow")
    func deepNesting() {
        let parsed = ExpressionParser.parse(String(repeating: "(", count: 10_000) + "1")
        #expect(!parsed.errors.isEmpty)
        let unary = ExpressionParser.parse(String(repeating: "-", count: 10_000) + "1")
        #expect(!unary.errors.isEmpty)
    }

    @Test("5,000 random and mutated strings never crash")
    func fuzz() async {
        var generator = SplitMix64(seed: 0xF10E)
        let seeds = [
            "a.b[0] + f(x, 'y', [1, {k: 2}]) ?? 15m", "c ? -x * 2 : !y && z || w", "airport(input.origin).zone",
            "format_human(now + 1h30m, 'Europe/London', \"LHR\")", "{a: [1, 2], 'b': {c: null}}",
        ]
        let alphabet = Array("ab01.,:?!=<>+-*/%&|()[]{}'\"\\ \tñ15mhs_")
        for round in 0..<5_000 {
            // Lets the other tests run: a long loop would hold one of the cooperative pool's threads.
            if round % 100 == 0 { await Task.yield() }
            var text: [Character]
            if round % 2 == 0 {
                text = Array(seeds[round % seeds.count])
                for _ in 0..<(1 + Int(generator.next() % 4)) where !text.isEmpty {
                    let at = Int(generator.next() % UInt64(text.count))
                    switch generator.next() % 3 {
                    case 0: text.remove(at: at)
                    case 1: text.insert(alphabet[Int(generator.next() % UInt64(alphabet.count))], at: at)
                    default: text[at] = alphabet[Int(generator.next() % UInt64(alphabet.count))]
                    }
                }
            } else {
                text = (0..<Int(generator.next() % 40)).map { _ in
                    alphabet[Int(generator.next() % UInt64(alphabet.count))]
                }
            }
            let source = String(text)
            let parsed = ExpressionParser.parse(source)
            let length = source.unicodeScalars.count
            #expect(parsed.errors.allSatisfy { $0.offset >= 0 && $0.offset <= length })
            let scope = ExpressionScope(roots: ["a", "b", "x", "y", "z", "w", "c", "now", "input"])
            _ = ExpressionChecking.check(ExpressionSource(source, at: .unknown()), in: scope)
            _ = try? ExpressionEvaluation.evaluate(
                ExpressionSource(source, at: .unknown()), in: EvaluationContext(bindings: ["a": 1, "x": "t"]))
        }
    }
}

/// A small deterministic generator for reproducible fuzzing.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Fully parenthesised text of a tree, to check its shape.
func render(_ e: Expression) -> String {
    switch e {
    case .literal(.string(let s), _): return "\"\(s)\""
    case .literal(let v, _): return v.interpolationText.isEmpty ? "null" : v.interpolationText
    case .name(let n, _): return n
    case .list(let items, _): return "[" + items.map(render).joined(separator: ", ") + "]"
    case .object(let members, _):
        return "{" + members.map { "\($0.key): \(render($0.value))" }.joined(separator: ", ") + "}"
    case .member(let b, let f, _): return "\(render(b)).\(f)"
    case .index(let b, let i, _): return "\(render(b))[\(render(i))]"
    case .call(let n, let args, _): return "\(n)(" + args.map(render).joined(separator: ", ") + ")"
    case .unary(let op, let x, _): return "\(op.rawValue)\(render(x))"
    case .binary(let op, let l, let r, _): return "(\(render(l)) \(op.rawValue) \(render(r)))"
    case .conditional(let c, let a, let b, _): return "(\(render(c)) ? \(render(a)) : \(render(b)))"
    case .invalid: return "<invalid>"
    }
}
